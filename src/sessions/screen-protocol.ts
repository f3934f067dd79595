// Messages between the daemon and its screen worker.
export type ScreenRequest =
  | { op: "open"; id: string; cols: number; rows: number; scrollback: number; seq: number }
  /** reset: what came before was dropped (the worker fell behind): start from a clean terminal. */
  | { op: "feed"; id: string; bytes: Uint8Array; seq: number; reset?: boolean }
  | { op: "resize"; id: string; cols: number; rows: number; seq: number }
  | { op: "snapshot"; id: string; ref: number; scrollback: number }
  | { op: "close"; id: string };

export type ScreenReply =
  | { ref: number; seq: number; cols: number; rows: number; screen: string }
  | { ref: number; error: string }
  /** A feed of `bytes` has been parsed: the host may send more. */
  | { ack: string; bytes: number };

export interface ScreenSnapshot {
  seq: number;
  cols: number;
  rows: number;
  screen: string;
}
