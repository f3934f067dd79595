// The one poll-until helper of the tests: wait for a condition, never for a guessed time. The
// deadline only matters when something is wrong, so it is generous; the failure names what was
// awaited and the last value seen.
import { inspect } from "node:util";

export interface PollOptions {
  /** What is awaited, for the failure ("the import", "session x to end"). */
  what: string;
  /** How long before giving up (default 20 s: only reached when something is wrong). */
  timeoutMs?: number;
  /** The pause between two probes (default 25 ms). */
  everyMs?: number;
  /** A probe that throws (a table not created yet, a server restarting) counts as not yet. */
  tolerate?: boolean;
  /** More to say when it fails (output so far, a log's tail). */
  detail?: () => string;
}

type Falsy = false | null | undefined | 0 | "";

/** A poll that ran out of time: what it waited for and the last value (or tolerated error) seen. */
export class PollTimeout extends Error {
  constructor(
    readonly what: string,
    readonly last: unknown,
    timeoutMs: number,
    detail: string | undefined,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${inspect(last, { depth: 4, breakLength: Infinity })}${detail ? `; ${detail}` : ""}`,
    );
    this.name = "PollTimeout";
  }
}

/**
 * Calls `fn` until it returns something truthy, and resolves with that; rejects naming `what` and
 * the last value (or error) seen once `timeoutMs` has passed. A throwing probe fails at once unless
 * `tolerate` is set.
 */
export async function pollUntil<T>(fn: () => T | Falsy | Promise<T | Falsy>, opts: PollOptions): Promise<T> {
  const { what, timeoutMs = 20_000, everyMs = 25, tolerate = false, detail } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
      last = v;
    } catch (e) {
      if (!tolerate) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new PollTimeout(what, last, timeoutMs, detail?.());
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
