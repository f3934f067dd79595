// vault.get rate limit per agent session: a token bucket per session (`perSec` refilled, `burst`
// held), keyed by a function the daemon supplies (which session a caller belongs to; null for a
// person, who is never limited). An agent that hammers the socket gets `rate_limited` with the
// time until its next token instead of filling the audit log and starving everyone else.
import type { CallContext } from "../rpc/context.js";

export interface RateLimit {
  perSec: number;
  burst: number;
}

/** Tokens refill continuously at `perSec`, up to `burst`; a call takes one. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limit: RateLimit,
    now = Date.now(),
  ) {
    this.tokens = limit.burst;
    this.at = now;
  }

  /** Takes a token: 0 when there was one, else the milliseconds until there will be (nothing taken). */
  take(now = Date.now()): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.limit.perSec));
  }

  /** Full again: nothing would be lost by forgetting it. */
  full(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) * this.limit.perSec) / 1000);
    this.at = Math.max(this.at, now); // a clock stepped back refills nothing
  }
}

/** Buckets beyond this many are pruned of full ones (sessions come and go). */
const PRUNE_ABOVE = 1024;

export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Who a connection's peer is does not change while it is connected: asked once per connection. */
  private readonly keys = new WeakMap<CallContext, string | null>();

  constructor(
    private readonly limit: RateLimit,
    /** The agent session a caller belongs to, or null (a person: not limited). */
    private readonly keyOf: (ctx: CallContext) => string | null,
  ) {}

  /** 0 when the call may go ahead, else the milliseconds the caller should wait. */
  check(ctx: CallContext, now = Date.now()): number {
    let key = this.keys.get(ctx);
    if (key === undefined) this.keys.set(ctx, (key = this.keyOf(ctx)));
    if (key === null) return 0;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_ABOVE) for (const [k, b] of this.buckets) if (b.full(now)) this.buckets.delete(k);
      this.buckets.set(key, (bucket = new TokenBucket(this.limit, now)));
    }
    return bucket.take(now);
  }
}
