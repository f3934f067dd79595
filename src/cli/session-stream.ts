// What the session commands share: a connection for streaming, a session's events as they
// arrive (events.subscribe), output bytes written back as they were, and exit statuses.
import { constants } from "node:os";
import type { ResultOf } from "../../protocol/index.js";
import { clientSocketPath } from "../platform/paths.js";
import { decodeBytes } from "../ledger/events.js";
import { RpcClient } from "../rpc/client.js";
import { CLI_CALL } from "./timeouts.js";

export type SessionEvent = ResultOf<"events.read">["events"][number];

/** The daemon, for a command that streams: connect fails with kind unavailable (exit 3) when none runs. */
export function connectDaemon(): Promise<RpcClient> {
  return RpcClient.connect(clientSocketPath(), CLI_CALL);
}

/** Events after which nothing more will happen: a process's exit, a log session's close. */
export function isFinal(e: SessionEvent): boolean {
  return e.kind === "exit" || e.kind === "close";
}

export interface EventStream {
  /** Resolves with the final event (exit or close), or "stopped" after stop(); rejects when the connection fails. */
  readonly ended: Promise<SessionEvent | "stopped">;
  stop(): void;
}

/**
 * Subscribes to `session` from `after` and calls onEvent for each event in seq order (each once),
 * until its exit or close event, stop(), or the connection failing. One stream per client.
 */
export function streamEvents(client: RpcClient, session: string, after: number, onEvent: (e: SessionEvent) => void): EventStream {
  let last = after;
  let subscription: string | null = null;
  let settle!: (v: SessionEvent | "stopped" | Error) => void;
  const ended = new Promise<SessionEvent | "stopped">((resolve, reject) => {
    let done = false;
    settle = (v) => {
      if (done) return;
      done = true;
      offEvent();
      offClose();
      if (v instanceof Error) reject(v);
      else resolve(v);
    };
  });
  // By name: typed from the declaration, not parsed (attach would load zod, ~100 ms, for that).
  const offEvent = client.onNotification("event", (p) => {
    const e = p.event;
    if (e.session !== session || (subscription !== null && p.subscription !== subscription)) return;
    if (e.seq <= last) return; // never twice
    last = e.seq;
    try {
      onEvent(e);
    } catch (err) {
      return settle(err as Error);
    }
    if (isFinal(e)) settle(e);
  });
  const offClose = client.onClose((err) => settle(err));
  client.call("events.subscribe", { session, after }).then(
    (r) => (subscription = r.subscription),
    (err: Error) => settle(err),
  );
  return { ended, stop: () => settle("stopped") };
}

/** The bytes of an output event ({text} or {b64}). */
export function outputBytes(e: SessionEvent): Buffer {
  return decodeBytes(e.data);
}

/** Streams this process is waiting on to drain (the connection is paused meanwhile). */
const draining = new WeakSet<NodeJS.WritableStream>();

/**
 * Writes bytes to a stream; when it backs up, stops reading the connection until it drains, so
 * the daemon (not this process) absorbs a slow reader.
 */
export function writeOut(client: RpcClient, out: NodeJS.WritableStream, bytes: Buffer): void {
  if (bytes.length === 0) return;
  if (out.write(bytes) || draining.has(out)) return;
  draining.add(out);
  client.pause();
  out.once("drain", () => {
    draining.delete(out);
    client.resume();
  });
}

export interface ExitData {
  code: number | null;
  signal: string | null;
  status: string | null;
  reason: string | null;
}

/** An exit event's data (or a session's process.exit), read defensively. */
export function exitData(d: Record<string, unknown>): ExitData {
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return {
    code: Number.isInteger(d.code) ? (d.code as number) : null,
    signal: str(d.signal),
    status: str(d.status),
    reason: str(d.terminal_reason) ?? str(d.reason),
  };
}

/** The status a shell would see: the code; 128+n for a signal; 1 when warden could not see it end. */
export function exitStatus(x: ExitData): number {
  if (x.status === "failed") return 1;
  if (x.signal) return 128 + ((constants.signals as Record<string, number>)[x.signal] ?? 0);
  return x.code ?? 1;
}

/** "code 3", "signal SIGTERM (killed)", "failed (daemon_restarted)". */
export function describeExit(x: ExitData): string {
  const why = x.reason ? ` (${x.reason})` : "";
  if (x.status === "failed") return `failed${why}`;
  if (x.signal) return `signal ${x.signal}${why}`;
  return `code ${x.code ?? "unknown"}${why}`;
}

/** The local terminal's size, clamped to what sessions accept; null when stdout is not a terminal. */
export function terminalSize(out: NodeJS.WritableStream): { cols: number; rows: number } | null {
  const tty = out as NodeJS.WriteStream;
  if (!tty.isTTY || !tty.columns || !tty.rows) return null;
  const clamp = (n: number) => Math.min(1000, Math.max(2, n));
  return { cols: clamp(tty.columns), rows: clamp(tty.rows) };
}
