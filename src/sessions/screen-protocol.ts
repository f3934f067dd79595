// Messages between the daemon and its screen worker.
export type ScreenRequest =
  | { op: "open"; id: string; cols: number; rows: number; scrollback: number; seq: number }
  | { op: "feed"; id: string; bytes: Uint8Array; seq: number }
  | { op: "resize"; id: string; cols: number; rows: number; seq: number }
  | { op: "snapshot"; id: string; ref: number; scrollback: number }
  | { op: "close"; id: string };

export type ScreenReply =
  | { ref: number; seq: number; cols: number; rows: number; screen: string }
  | { ref: number; error: string };

export interface ScreenSnapshot {
  seq: number;
  cols: number;
  rows: number;
  screen: string;
}
