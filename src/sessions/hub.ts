// Event subscriptions: each subscriber gets a session's events in seq order, the recorded ones
// after its cursor joined to the live tail, with no gap and no duplicate.
//
// A subscription is either live (events are sent as they are published) or catching up (sent
// from the durable store, page by page, as fast as the client reads). It switches to live only
// when it has sent everything up to the session's last published seq; since publishing and that
// check both run on the event loop, nothing can slip between them. A live subscriber whose
// connection backs up falls back to catching up, so a slow reader never holds a session back
// and never makes the daemon buffer without bound.
import { setTimeout as sleep } from "node:timers/promises";
import type { LedgerEvent } from "../ledger/events.js";
import type { CallContext } from "../rpc/context.js";
import { RpcError } from "../rpc/errors.js";

/** Where catching-up subscribers read from, and how far a session has got. */
export interface EventStore {
  /** The last seq published for the session (live or recorded); null when there is no such session. */
  lastSeq(session: string): number | null;
  /** Recorded (durable) events with seq > after, in order, at most limit. */
  readAfter(session: string, after: number, limit: number): LedgerEvent[];
  /** Makes everything published so far durable, so readAfter can see it. */
  flush(): Promise<void>;
}

/** Queued output above which a live subscriber is switched to catching up. */
const LAG_BYTES = 256 * 1024;
const PAGE = 64;

interface Subscription {
  id: string;
  session: string;
  ctx: CallContext;
  /** The last seq sent. */
  sent: number;
  live: boolean;
  pumping: boolean;
  closed: boolean;
}

export class EventHub {
  private readonly bySession = new Map<string, Set<Subscription>>();
  private readonly byId = new Map<string, Subscription>();
  private nextId = 1;

  constructor(
    private readonly store: EventStore,
    /** Told when reading the store fails; the subscription retries (the usual cause, a projection rebuild, passes). */
    private readonly onError: (session: string, err: unknown) => void = () => {},
  ) {}

  subscribe(session: string, after: number, ctx: CallContext): { subscription: string; lastSeq: number } {
    const lastSeq = this.store.lastSeq(session);
    if (lastSeq === null) throw new RpcError("not_found", `no session ${session}`, { session });
    const sub: Subscription = { id: `s${this.nextId++}`, session, ctx, sent: after, live: false, pumping: false, closed: false };
    this.byId.set(sub.id, sub);
    let set = this.bySession.get(session);
    if (!set) this.bySession.set(session, (set = new Set()));
    set.add(sub);
    void ctx.closed.then(() => this.remove(sub));
    // After the reply: the client learns the subscription id before its first event.
    setImmediate(() => this.pump(sub));
    return { subscription: sub.id, lastSeq };
  }

  unsubscribe(id: string, ctx: CallContext): boolean {
    const sub = this.byId.get(id);
    if (!sub || sub.ctx !== ctx) return false; // another connection's subscriptions are not yours to end
    this.remove(sub);
    return true;
  }

  /** A new event of a session, at the moment its seq is assigned. */
  publish(event: LedgerEvent): void {
    const set = this.bySession.get(event.session);
    if (!set) return;
    for (const sub of set) {
      if (!sub.live) continue; // catching up: it will read this one from the store
      if (event.seq !== sub.sent + 1 || sub.ctx.backlog() > LAG_BYTES) {
        sub.live = false;
        void this.pump(sub);
        continue;
      }
      this.send(sub, event);
    }
  }

  get count(): number {
    return this.byId.size;
  }

  private send(sub: Subscription, event: LedgerEvent): void {
    sub.ctx.notify("event", { subscription: sub.id, event });
    sub.sent = event.seq;
  }

  private async pump(sub: Subscription): Promise<void> {
    if (sub.pumping || sub.closed) return;
    sub.pumping = true;
    let failures = 0;
    try {
      while (!sub.closed && !sub.live) {
        let page: LedgerEvent[];
        try {
          const target = this.store.lastSeq(sub.session) ?? 0;
          if (sub.sent >= target) {
            sub.live = true; // same turn as the check: the next publish is sent live
            break;
          }
          page = this.store.readAfter(sub.session, sub.sent, PAGE);
          if (page.length === 0) {
            await this.store.flush(); // published but not yet durable
            page = this.store.readAfter(sub.session, sub.sent, PAGE);
            if (page.length === 0) await sleep(20); // the projection is catching up
          }
        } catch (err) {
          if (failures++ === 0) this.onError(sub.session, err);
          await sleep(Math.min(2000, 50 * 2 ** failures));
          continue;
        }
        if (page.length > 0 && page[0]!.seq !== sub.sent + 1) {
          // A gap in the record (a damaged line): never spin on it; report, wait, read again.
          if (failures++ === 0) this.onError(sub.session, new Error(`event ${sub.sent + 1} is missing from the record`));
          await sleep(Math.min(2000, 50 * 2 ** failures));
          continue;
        }
        failures = 0;
        for (const e of page) {
          if (sub.closed || e.seq !== sub.sent + 1) break;
          this.send(sub, e);
          // Bounded by bytes, not events (an output event can be 64 KiB): the client reads at its pace.
          if (sub.ctx.backlog() > LAG_BYTES) await sub.ctx.drained(LAG_BYTES / 4);
        }
      }
    } finally {
      sub.pumping = false;
    }
  }

  private remove(sub: Subscription): void {
    sub.closed = true;
    this.byId.delete(sub.id);
    const set = this.bySession.get(sub.session);
    set?.delete(sub);
    if (set?.size === 0) this.bySession.delete(sub.session);
  }
}
