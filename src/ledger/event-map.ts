// Every kind of ledger event warden writes, with its data: writers are type-checked against it
// (LedgerWriter.append/enqueue), readers narrow by kind with isEvent instead of casting data.
// The line format itself is events.ts.
//
// A line read from disk may come from another host or an older warden: isEvent says what the
// kind's data is when warden wrote it, and a reader that acts on a value (kills a pid, sizes a
// screen) still checks it.
import type { LedgerEvent } from "./events.js";

/** Recorded bytes, added by the writer from its payload (lineWithBytes): text when valid UTF-8, else b64. */
export interface RecordedBytes {
  text?: string;
  b64?: string;
}

export type OutputStreamName = "pty" | "stdout" | "stderr";

export interface LedgerEventMap {
  /** A log session's first event (sessions.open); title and meta masked. */
  open: { title: string; kind: string; host: string; meta?: Record<string, unknown> };
  /** What a client appends to an open log session (events.append), masked. */
  note: Record<string, unknown>;
  action: Record<string, unknown>;
  /** A log session's last event (sessions.close). */
  close: Record<string, never>;
  /** A PTY or task session's first event: what was started, masked, and how to find it again after a restart. */
  launch: {
    kind: "pty" | "task";
    mode: "pty" | "task";
    title: string;
    harness: string | null;
    argv: string[];
    cwd: string;
    cols: number;
    rows: number;
    pid: number;
    pgid: number;
    /** Field 22 of /proc/<pid>/stat: with bootId, tells the leader from a later process with its pid. */
    startTime: string | null;
    bootId: string | null;
    /** Names only, never values. */
    env: string[];
    secrets: string[];
    /** The session's credential scope (absent in a file from an older warden: empty). */
    scopes?: string[];
    allow?: string[];
  };
  /** A running session's credential scope replaced (sessions.setScope): from the next read of its agent on. */
  scope: { scopes: string[]; allow: string[] };
  /** Output, masked; its bytes come from the payload. */
  output: { stream: OutputStreamName } & RecordedBytes;
  /** Typed input, masked (its bytes from the payload), or only its length at a password prompt. */
  input: RecordedBytes | { redacted: true; bytes: number };
  resize: { cols: number; rows: number };
  /** Declared by the protocol for PTY and task sessions; nothing writes it yet. */
  status: Record<string, unknown>;
  exit: {
    code: number | null;
    signal: string | null;
    status: "exited" | "failed";
    /** Why it ended when not on its own: killed, daemon_stopped, ledger_failed, daemon_restarted. */
    terminal_reason: string | null;
    error?: string;
    /** Settled at boot: a previous daemon left it without an exit (recovery.ts). */
    recovered_on_boot?: true;
    killed?: boolean;
  };
  /** Hides a session from listings; any session. */
  archive: Record<string, never>;
}

export type LedgerKind = keyof LedgerEventMap;

/** What a writer passes for `kind`: the data without the recorded bytes, which come from the payload. */
export type LedgerData<K extends LedgerKind> = WithoutBytes<LedgerEventMap[K]>;
type WithoutBytes<T> = T extends unknown ? Omit<T, keyof RecordedBytes> : never;

/** An event of one kind, its data typed (of several kinds: a union that `e.kind` discriminates). */
export type LedgerEventOf<K extends LedgerKind> = K extends LedgerKind ? LedgerEvent & { kind: K; data: LedgerEventMap[K] } : never;

/** Narrows an event to its kind (one kind, or any of several), data typed. */
export function isEvent<K extends LedgerKind>(e: LedgerEvent | null | undefined, ...kinds: K[]): e is LedgerEventOf<K> {
  return e != null && (kinds as string[]).includes(e.kind);
}
