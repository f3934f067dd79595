import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnlockThrottle } from "../../src/vault/throttle.js";

describe("UnlockThrottle", () => {
  it("answers concurrent attempts one at a time, each failure delaying the next", async () => {
    const t = new UnlockThrottle();
    const t0 = Date.now();
    const answeredAt: number[] = [];
    await Promise.all(
      [0, 1, 2].map(() =>
        t.run(1000, () => ({ ok: false, value: null })).then(() => answeredAt.push(Date.now() - t0)),
      ),
    );
    answeredAt.sort((a, b) => a - b);
    assert.ok(answeredAt[0]! < 100, `first answered at once (${answeredAt[0]} ms)`);
    assert.ok(answeredAt[1]! >= 240, `second waited for the first failure's 250 ms (${answeredAt[1]} ms)`);
    assert.ok(answeredAt[2]! >= 740, `third waited 250 + 500 ms (${answeredAt[2]} ms)`);
  });

  it("keeps uids apart and clears a uid's penalty on success", async () => {
    const t = new UnlockThrottle();
    await t.run(1, () => ({ ok: false, value: 0 }));
    const t0 = Date.now();
    await t.run(2, () => ({ ok: true, value: 0 }));
    assert.ok(Date.now() - t0 < 100, "another uid is not slowed");
    await t.run(1, () => ({ ok: true, value: 0 })); // waits out the 250 ms, then succeeds
    const t1 = Date.now();
    await t.run(1, () => ({ ok: true, value: 0 }));
    assert.ok(Date.now() - t1 < 100, "a success cleared the penalty");
  });

  it("releases queued attempts at once when cancelled (shutdown)", async () => {
    const t = new UnlockThrottle();
    await t.run(1, () => ({ ok: false, value: 0 }));
    await t.run(1, () => ({ ok: false, value: 0 }));
    const queued = t.run(1, () => ({ ok: true, value: 0 }));
    const t0 = Date.now();
    t.cancel();
    await assert.rejects(queued);
    assert.ok(Date.now() - t0 < 100);
  });
});
