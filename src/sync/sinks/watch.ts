// `push --watch`: push again whenever the projection changes, until stopped; a PostgreSQL outage
// is reported and retried with backoff (1 s doubling to 30 s), and the push resumes where it
// stood once the server is back (fingerprints make the retry exact).
import { setTimeout as sleep } from "node:timers/promises";
import { RpcError } from "../../rpc/errors.js";
import type { PostgresSink, PushOptions, PushResult } from "./postgres.js";
import type { PushSource } from "./projection-source.js";

export interface WatchOptions {
  /** How often the projection is checked for changes. */
  intervalMs: number;
  signal: AbortSignal;
  /** After every push (including those that wrote nothing). */
  onPush(r: PushResult, from: "projection" | "sources"): void;
  /** A failed push; the next try is in `retryInMs`. */
  onError(err: RpcError, attempt: number, retryInMs: number): void;
  /** The first push that succeeded after failures. */
  onRecovered?(failedAttempts: number): void;
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export async function watchPush(sink: PostgresSink, source: PushSource, push: PushOptions, opts: WatchOptions): Promise<void> {
  let pushed: string | null = null;
  let failures = 0;
  const pause = async (ms: number) => {
    try {
      await sleep(ms, undefined, { signal: opts.signal });
    } catch {
      // aborted: the loop condition ends it
    }
  };
  while (!opts.signal.aborted) {
    let stamp: string | null = null;
    try {
      stamp = source.stamp();
      if (stamp !== pushed || failures > 0) {
        let from: "projection" | "sources" = "projection";
        const r = await source.use((db, f) => {
          from = f;
          return sink.push(db, push);
        });
        pushed = stamp;
        if (failures > 0) opts.onRecovered?.(failures);
        failures = 0;
        opts.onPush(r, from);
      }
    } catch (err) {
      failures++;
      const wait = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (failures - 1));
      opts.onError(asRpcError(err), failures, wait);
      await pause(wait);
      continue;
    }
    await pause(opts.intervalMs);
  }
}

/** Sink failures are RpcErrors already; anything else (a damaged projection file) is reported the same way. */
const asRpcError = (err: unknown): RpcError => (err instanceof RpcError ? err : new RpcError("internal", err instanceof Error ? err.message : String(err)));
