// What the supervisor needs of a running program, whether it has a terminal (node-pty) or pipes.
import { constants } from "node:os";

const osSignals = constants.signals as Record<string, number>;
export type Stream = "pty" | "stdout" | "stderr";

export interface ExitStatus {
  code: number | null;
  signal: string | null;
  /** The process could not be run or waited for. */
  error?: string;
}

export interface SessionChild {
  readonly pid: number;
  /** The process group signals go to (the child is its leader: setsid at spawn). */
  readonly pgid: number;
  /** Output bytes as they arrive, in order per stream. */
  onOutput(cb: (stream: Stream, chunk: Buffer) => void): void;
  /** Once: the process has exited and every byte of its output has been delivered. */
  onExit(cb: (status: ExitStatus) => void): void;
  write(data: Buffer): void;
  /** Task mode: close stdin. PTY mode: no-op (send ^D instead). */
  endInput(): void;
  resize(cols: number, rows: number): void;
  /** Whether the terminal is at a password prompt: typed input is then recorded as its length only. */
  hidesInput(): boolean;
  /** Stop reading output (the ledger is behind); the child blocks once its buffers fill. */
  pause(): void;
  resume(): void;
}

export interface SpawnSpec {
  file: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  umask: number;
}

/** Runs `fn` (which forks) with the process umask set to `umask`, restoring warden's after. */
export function withUmask<T>(umask: number, fn: () => T): T {
  const ours = process.umask(umask);
  try {
    return fn();
  } finally {
    process.umask(ours);
  }
}

/** Signal number to name, for exit statuses reported as numbers. */
export function signalName(n: number): string | null {
  if (!n) return null;
  const entry = Object.entries(osSignals).find(([, v]) => v === n);
  return entry ? entry[0] : `SIG${n}`;
}
