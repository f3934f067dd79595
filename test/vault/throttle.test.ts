// The unlock throttle on mocked timers: each pause is checked to the millisecond, no real-time margins.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { RpcError } from "../../src/rpc/errors.js";
import { UnlockThrottle } from "../../src/vault/throttle.js";

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 }));
afterEach(() => mock.timers.reset());

/** Lets every promise that can settle without time passing settle (setImmediate is not mocked). */
const settle = () => new Promise((r) => setImmediate(r));

/** Tracks when (mocked ms) a promise settled; null while pending. */
function track<T>(p: Promise<T>): { at: number | null; error: unknown } {
  const s: { at: number | null; error: unknown } = { at: null, error: undefined };
  p.then(
    () => (s.at = Date.now()),
    (e) => ((s.at = Date.now()), (s.error = e)),
  );
  return s;
}

describe("UnlockThrottle", () => {
  it("answers concurrent attempts one at a time, each failure delaying the next", async () => {
    const t = new UnlockThrottle();
    const [a, b, c] = [0, 1, 2].map(() => track(t.run(1000, () => ({ ok: false, value: null }))));
    await settle();
    assert.deepEqual([a!.at, b!.at, c!.at], [0, null, null], "the first answered at once");
    mock.timers.tick(249);
    await settle();
    assert.equal(b!.at, null);
    mock.timers.tick(1);
    await settle();
    assert.deepEqual([b!.at, c!.at], [250, null], "the second after the first failure's 250 ms");
    mock.timers.tick(499);
    await settle();
    assert.equal(c!.at, null);
    mock.timers.tick(1);
    await settle();
    assert.equal(c!.at, 750, "the third after 250 + 500 ms");
  });

  it("keeps uids apart and clears a uid's penalty on success", async () => {
    const t = new UnlockThrottle();
    await t.run(1, () => ({ ok: false, value: 0 }));
    const other = track(t.run(2, () => ({ ok: true, value: 0 })));
    const retry = track(t.run(1, () => ({ ok: true, value: 0 })));
    await settle();
    assert.equal(other.at, 0, "another uid is not slowed");
    assert.equal(retry.at, null, "uid 1 waits out its 250 ms");
    mock.timers.tick(250);
    await settle();
    assert.equal(retry.at, 250);
    const after = track(t.run(1, () => ({ ok: true, value: 0 })));
    await settle();
    assert.equal(after.at, 250, "a success cleared the penalty");
  });

  it("releases queued attempts at once when cancelled (shutdown), with shutting_down", async () => {
    const t = new UnlockThrottle();
    await t.run(1, () => ({ ok: false, value: 0 }));
    const second = t.run(1, () => ({ ok: false, value: 0 }));
    mock.timers.tick(250);
    await second;
    const queued = track(t.run(1, () => ({ ok: true, value: 0 })));
    await settle();
    assert.equal(queued.at, null, "waiting out the 500 ms");
    t.cancel();
    await settle();
    assert.equal(queued.at, 250, "released without time passing");
    assert.ok(queued.error instanceof RpcError && queued.error.kind === "shutting_down", String(queued.error));
  });
});
