// Messages between the daemon and its PTY reader thread (pty-readers.ts, pty-reader-worker.ts).
export type ReaderRequest =
  /** Start reading `fd` (the worker's own duplicate: it closes it when reading ends). */
  | { op: "open"; id: number; fd: number }
  /** The ledger is behind: stop reading this terminal until "resume". */
  | { op: "pause"; id: number }
  | { op: "resume"; id: number }
  /** Stop reading (output after exit has been quiet): close the fd; "closed" follows. */
  | { op: "close"; id: number }
  /** The daemon has taken in the last batch: the next may be sent. */
  | { op: "ack" };

/**
 * One batch: what every terminal gave since the last, in read order per id; then the ids whose
 * reading has ended (EIO or "close"), each after its last bytes.
 */
export interface ReaderBatch {
  data: Array<{ id: number; bytes: Uint8Array }>;
  closed: number[];
}
