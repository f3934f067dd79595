// Failed unlocks are slowed per peer uid: attempts from one uid are answered one after another,
// and each failure doubles the pause before the next is looked at (250 ms, 500 ms, … 30 s at
// most); a success clears it. Parallel or batched guesses queue behind each other, so they gain
// nothing, and the queue can be cancelled so it never holds up shutdown.
import { RpcError } from "../rpc/errors.js";

const BASE_MS = 250;
const MAX_MS = 30_000;

interface UidState {
  failures: number;
  /** The attempt currently being looked at, or waited for; attempts chain onto it. */
  tail: Promise<void>;
}

export class UnlockThrottle {
  private readonly state = new Map<number, UidState>();
  private readonly abort = new AbortController();

  /** Runs `attempt` in turn for `uid`; it returns whether it succeeded. */
  run<T>(uid: number, attempt: () => { ok: boolean; value: T }): Promise<T> {
    const s = this.state.get(uid) ?? { failures: 0, tail: Promise.resolve() };
    this.state.set(uid, s);
    const result = s.tail.then(() => {
      if (this.abort.signal.aborted) throw new RpcError("shutting_down", "the daemon is shutting down");
      const out = attempt();
      s.failures = out.ok ? 0 : s.failures + 1;
      return out;
    });
    // The next attempt waits for this one's verdict, plus the penalty of a failure.
    s.tail = result.then(
      (out) => (out.ok ? undefined : this.pause(Math.min(MAX_MS, BASE_MS * 2 ** (s.failures - 1)))),
      () => undefined,
    );
    return result.then((out) => out.value);
  }

  /** Releases every queued attempt (they fail), for shutdown. */
  cancel(): void {
    this.abort.abort();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
