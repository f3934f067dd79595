import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { configSchema, defaultConfig } from "../../src/platform/config.js";
import type { CallContext } from "../../src/rpc/context.js";
import { RateLimiter, TokenBucket } from "../../src/vault/rate-limit.js";

beforeEach(() => mock.timers.enable({ apis: ["Date"], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

describe("TokenBucket", () => {
  it("allows the burst at once, then refills at perSec, never beyond the burst", () => {
    const b = new TokenBucket({ perSec: 50, burst: 200 });
    for (let i = 0; i < 200; i++) assert.equal(b.take(), 0, `call ${i} of the burst`);
    assert.equal(b.take(), 20, "the next token is 1/50 s away");
    mock.timers.tick(10);
    assert.equal(b.take(), 10, "half a token refilled");
    mock.timers.tick(10);
    assert.equal(b.take(), 0);
    assert.equal(b.take(), 20);
    mock.timers.tick(3_600_000);
    for (let i = 0; i < 200; i++) assert.equal(b.take(), 0);
    assert.ok(b.take() > 0, "an hour idle refills the burst, not more");
  });

  it("sustains perSec and no more", () => {
    const b = new TokenBucket({ perSec: 50, burst: 1 });
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      while (b.take() === 0) allowed++;
      mock.timers.tick(1);
    }
    assert.ok(allowed >= 500 && allowed <= 501, `${allowed} in 10 s`);
  });

  it("refills nothing when the clock steps back", () => {
    const b = new TokenBucket({ perSec: 1, burst: 1 });
    assert.equal(b.take(), 0);
    mock.timers.setTime(0);
    assert.equal(b.take(), 1000);
  });
});

describe("RateLimiter", () => {
  const ctx = (pid: number) => ({ peer: { uid: 1, gid: 1, pid } }) as unknown as CallContext;

  it("limits each agent session on its own and never a person", () => {
    const sessionOf = new Map([
      [10, "s1"],
      [11, "s1"],
      [20, "s2"],
    ]);
    let asked = 0;
    const limiter = new RateLimiter({ perSec: 1, burst: 2 }, (c) => (asked++, sessionOf.get(c.peer.pid) ?? null));
    const [a, b, other, person] = [ctx(10), ctx(11), ctx(20), ctx(30)];
    assert.equal(limiter.check(a), 0);
    assert.equal(limiter.check(b), 0, "two processes of one session share its bucket");
    assert.equal(limiter.check(a), 1000);
    assert.equal(limiter.check(other), 0, "another session has its own");
    for (let i = 0; i < 1000; i++) assert.equal(limiter.check(person), 0);
    assert.equal(asked, 4, "the session is looked up once per connection");
    mock.timers.tick(1000);
    assert.equal(limiter.check(b), 0);
  });
});

describe("vault.rateLimit config", () => {
  it("defaults to 50 per second with a burst of 200, and refuses a burst below 1", () => {
    assert.deepEqual(defaultConfig().vault.rateLimit, { perSec: 50, burst: 200 });
    assert.equal(configSchema.safeParse({ vault: { rateLimit: { burst: 0 } } }).success, false);
    assert.deepEqual(configSchema.parse({ vault: { rateLimit: { perSec: 5 } } }).vault.rateLimit, { perSec: 5, burst: 200 });
  });
});
