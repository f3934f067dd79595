// The tests' one poll-until helper: what it resolves with, and what its failure says.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PollTimeout, pollUntil } from "./poll.js";

describe("pollUntil", () => {
  it("resolves with the probe's first truthy value", async () => {
    let n = 0;
    const v = await pollUntil(async () => ++n >= 3 && { n }, { what: "the third probe", everyMs: 1 });
    assert.deepEqual(v, { n: 3 });
  });

  it("fails naming what it waited for and the last value seen", async () => {
    let n = 0;
    await assert.rejects(
      pollUntil(() => (n++, 0), { what: "a zero to change", timeoutMs: 20, everyMs: 1 }),
      (e) => {
        assert.ok(e instanceof PollTimeout);
        assert.deepEqual([e.what, e.last], ["a zero to change", 0]);
        return true;
      },
    );
    assert.ok(n > 1, "probed more than once");
  });

  it("fails at once on a probe that throws, unless told to tolerate it", async () => {
    const boom = new Error("not yet");
    let calls = 0;
    await assert.rejects(
      pollUntil(() => (calls++, Promise.reject(boom)), { what: "x", everyMs: 1 }),
      (e) => e === boom,
    );
    assert.equal(calls, 1);
    let n = 0;
    assert.equal(await pollUntil(() => (++n < 3 ? Promise.reject(boom) : "up"), { what: "a restart", tolerate: true, everyMs: 1 }), "up");
  });
});
