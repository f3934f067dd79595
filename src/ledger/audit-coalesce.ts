// Identical reads (same peer process, vault, name, scope, reason, caller, outcome) within one
// window are one record and a count, not one record each: 64 clients hammering vault.get wrote
// ~6 MB/s of audit log before.
//
// The rule that a read is on record before its value is sent holds for every read:
// - The first read of a key is appended at once, as any other record, and served at once (an
//   ordinary read pays nothing).
// - A repeat within `windowMs` of the key's last read (or summary) is counted in memory and NOT answered yet:
//   it waits until a record counting it is written, the summary `{count, first, last, coalesces}`
//   (group commit). A crash before that loses no served read: none of the repeats was answered.
// - The summary is written `firstFlushMs` after the first repeat waits, and each later one after
//   twice the wait of the one before, up to `windowMs`, while repeats keep coming sooner after a
//   summary than that wait: a few repeats (a program reading its key in three places at start-up)
//   wait milliseconds, a sustained hammer settles at one summary per key per second. A repeat that
//   comes later than the wait it would get (a program polling its key twice a second) is not
//   hammering: the wait starts over at `firstFlushMs`. Sooner under load: at once when
//   `maxWaiting` repeats wait.
// - A record stands for `count` reads (1 when absent); summing `count` gives the reads.
// Chosen over the alternative, a tiny "increment" line per repeat answered at once: that still
// costs a write and a chained line per read (~100 B with its hash: ~0.8 MB/s at the 7.5k reads/s
// measured below, eight times the 100 KB/s target). Measured with bench/audit.ts (64 clients in 8
// processes, each calling vault.get in a loop, shared 2-core VM): identical reads grow the log by
// ~10 KB/s (4.4 MB/s before coalescing; distinct reads, a record each, still 4.2 MB/s). The price:
// identical reads in a tight loop are slowed to about one batch a second per process (~120 reads/s
// in that run); different reads are not slowed at all (7.5k/s, as before).
import type { AuditFields, AuditLog } from "./audit-log.js";

export interface CoalesceOptions {
  /** Repeats within this long of the key's last read are coalesced; also the longest a repeat waits. */
  windowMs: number;
  /** The first summary's wait; each next one waits twice as long, up to windowMs. */
  firstFlushMs: number;
  /** A key with this many repeats waiting writes its summary at once. */
  maxWaiting: number;
}

interface Window {
  /** seq of the key's first record, which the summaries name in `coalesces`. */
  firstSeq: number;
  /** Builds the record's fields (the latest repeat's: masking may have learnt values since the first). */
  build: () => AuditFields;
  /** The last read or summary: a window stays open while either happens within windowMs. */
  lastActive: number;
  first: string | null;
  last: string | null;
  waiting: Array<{ resolve(): void; reject(err: Error): void }>;
  /** The pending summary, while repeats wait. */
  timer: NodeJS.Timeout | null;
  delay: number;
}

/** Above this many keys, idle ones are dropped, once a window at most (each peer process and reason is a key). */
const SWEEP_ABOVE = 1024;

export class AuditCoalescer {
  private readonly windows = new Map<string, Window>();
  private sweptAt = 0;

  constructor(
    private readonly log: AuditLog,
    private readonly opts: CoalesceOptions = { windowMs: 1000, firstFlushMs: 10, maxWaiting: 256 },
  ) {}

  /**
   * Records one read under `key`. Returns null when its record was appended at once (throws if it
   * could not be), or a promise that settles once a record counting it is written (rejects if it
   * could not be): its value must not be sent before.
   */
  record(key: string, build: () => AuditFields): Promise<void> | null {
    const now = Date.now();
    let w = this.windows.get(key);
    if (w && w.timer === null && now - w.lastActive >= this.opts.windowMs) {
      this.windows.delete(key); // idle: the next read is a first read again
      w = undefined;
    }
    if (!w) {
      const record = this.log.append(build());
      if (this.windows.size >= SWEEP_ABOVE && now - this.sweptAt >= this.opts.windowMs) this.sweep(now);
      this.windows.set(key, { firstSeq: record.seq, build, lastActive: now, first: null, last: null, waiting: [], timer: null, delay: this.opts.firstFlushMs });
      return null;
    }
    if (w.timer === null && now - w.lastActive > w.delay) w.delay = this.opts.firstFlushMs; // not hammering
    const ts = new Date(now).toISOString();
    w.first ??= ts;
    w.last = ts;
    w.lastActive = now;
    w.build = build;
    const window = w;
    const done = new Promise<void>((resolve, reject) => window.waiting.push({ resolve, reject }));
    if (w.waiting.length >= this.opts.maxWaiting) this.flush(w);
    else if (w.timer === null) {
      w.timer = setTimeout(() => {
        window.delay = Math.min(window.delay * 2, this.opts.windowMs);
        this.flush(window);
      }, w.delay);
    }
    return done;
  }

  /** Writes every pending summary (shutdown, before the log is closed). */
  flushAll(): void {
    for (const w of this.windows.values()) this.flush(w);
    this.windows.clear();
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [key, w] of this.windows) if (w.timer === null && now - w.lastActive >= this.opts.windowMs) this.windows.delete(key);
  }

  /** Appends the summary of the repeats waiting, then answers them; a failed append fails them. */
  private flush(w: Window): void {
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    const waiting = w.waiting.splice(0);
    if (waiting.length === 0) return;
    const span = { count: waiting.length, first: w.first!, last: w.last!, coalesces: w.firstSeq };
    w.first = w.last = null;
    w.lastActive = Date.now(); // a repeat sent as soon as this one is answered still coalesces
    try {
      this.log.append({ ...w.build(), ...span });
    } catch (err) {
      for (const r of waiting) r.reject(err as Error);
      return;
    }
    for (const r of waiting) r.resolve();
  }
}
