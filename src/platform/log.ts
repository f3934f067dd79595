// daemon.log: one JSON object per line. Writes are synchronous: log volume is low (lifecycle,
// refusals, failures; per-request lines only at debug) and a crash must not lose the last lines.
// Fields whose names suggest secret material are redacted as a second line of defence: callers
// must still never pass request params or secret values.
import { closeSync, fchmodSync, lstatSync, renameSync, writeSync } from "node:fs";
import { openNoFollow, symlinkRefused } from "./nofollow.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /^(params|values?)$|key$|pass|secret|token|auth|cred|private/i;

/** The slice of the daemon's logger the RPC layer uses. */
export interface RpcLogger {
  /** True when debug lines are written: per-request logging is built only then. */
  readonly debugEnabled: boolean;
  debug(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface Logger extends RpcLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  close(): void;
}

/** JSON.stringify replacer: redacts secret-looking keys at any depth. */
function redact(key: string, value: unknown): unknown {
  return key !== "" && SECRET_FIELD.test(key) ? "[redacted]" : value;
}

export function openLogger(opts: { path: string; level: LogLevel; maxBytes: number; echo: NodeJS.WritableStream | null }): Logger {
  rotateIfLarge(opts.path, opts.maxBytes);
  const fd = openNoFollow(opts.path, "a"); // a symlinked log refuses the start rather than write elsewhere
  fchmodSync(fd, 0o600); // an existing log keeps its old mode otherwise
  const min = rank[opts.level];
  let open = true;
  // A closed stderr (its reader gone) must not turn every log line into an error to log.
  let echo = opts.echo;
  echo?.on("error", () => (echo = null));
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min || !open) return;
    const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, pid: process.pid, ...fields }, redact) + "\n";
    try {
      writeSync(fd, line);
    } catch {
      // Disk full or I/O error: the daemon keeps serving; there is nowhere better to say so.
    }
    echo?.write(line);
  };
  return {
    debugEnabled: min <= rank.debug,
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

function rotateIfLarge(path: string, maxBytes: number): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw symlinkRefused(path); // rotating it away would hide the link, not refuse it
  if (st && st.size > maxBytes) renameSync(path, `${path}.1`); // rename moves a link at .1, never writes through it
}
