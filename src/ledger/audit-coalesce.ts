// Identical reads (same peer process, vault, name, scope, reason, caller, outcome) within one
// window are one record and a count, not one record each: 64 clients hammering vault.get wrote
// ~6 MB/s of audit log before.
//
// The rule that a read is on record before its value is sent holds for every read:
// - The first read of a key in a window is appended at once, as any other record, and is served
//   at once (an ordinary read pays nothing).
// - A repeat inside the window is counted in memory and is NOT answered yet: it waits until a
//   record counting it has been written — the window's summary `{count, first, last, coalesces}`,
//   appended when the window ends (`windowMs` after its first read) or sooner, once `maxWaiting`
//   repeats are waiting. A crash before that loses no served read: none of them was answered.
// - A record stands for `count` reads (1 when absent); summing `count` gives the reads.
// Measured against the alternative — a tiny "increment" line per repeat, answered at once — that
// still costs a write and a line per read (~100 B with its own chain hash: ~1 MB/s at 10k reads/s,
// over the 100 KB/s target); waiting for the summary costs at most two records per key per window.
// A repeat therefore waits up to `windowMs`: identical reads in a tight loop are slowed to about
// two a second per key, which is also what a runaway loop deserves.
import type { AuditFields, AuditLog } from "./audit-log.js";

export interface CoalesceOptions {
  windowMs: number;
  /** A window with this many repeats waiting writes its summary at once (and goes on). */
  maxWaiting: number;
}

interface Window {
  opened: number;
  /** seq of the window's first record, which the summaries name in `coalesces`. */
  firstSeq: number;
  /** Builds the record's fields (the latest repeat's; masking may have learnt values since the first). */
  build: () => AuditFields;
  first: string | null;
  last: string | null;
  waiting: Array<{ resolve(): void; reject(err: Error): void }>;
  timer: NodeJS.Timeout;
}

export class AuditCoalescer {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly log: AuditLog,
    private readonly opts: CoalesceOptions = { windowMs: 1000, maxWaiting: 256 },
  ) {}

  /**
   * Records one read under `key`. Returns null when its record was appended at once (throws if it
   * could not be), or a promise that settles once a record counting it is written (rejects if it
   * could not be): its value must not be sent before.
   */
  record(key: string, build: () => AuditFields): Promise<void> | null {
    const now = Date.now();
    let w = this.windows.get(key);
    if (w && now - w.opened >= this.opts.windowMs) {
      this.close(key, w); // its timer is late (a busy loop): a read after the window starts a new one
      w = undefined;
    }
    if (!w) {
      const record = this.log.append(build());
      const timer = setTimeout(() => this.close(key, this.windows.get(key)), this.opts.windowMs);
      this.windows.set(key, { opened: now, firstSeq: record.seq, build, first: null, last: null, waiting: [], timer });
      return null;
    }
    const ts = new Date(now).toISOString();
    w.first ??= ts;
    w.last = ts;
    w.build = build;
    const done = new Promise<void>((resolve, reject) => w.waiting.push({ resolve, reject }));
    if (w.waiting.length >= this.opts.maxWaiting) this.flush(w);
    return done;
  }

  /** Writes every pending summary and ends every window (shutdown, before the log is closed). */
  flushAll(): void {
    for (const [key, w] of [...this.windows]) this.close(key, w);
  }

  private close(key: string, w: Window | undefined): void {
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(key);
    this.flush(w);
  }

  /** Appends the summary of the repeats waiting, then answers them; a failed append fails them. */
  private flush(w: Window): void {
    const waiting = w.waiting.splice(0);
    if (waiting.length === 0) return;
    const span = { count: waiting.length, first: w.first!, last: w.last!, coalesces: w.firstSeq };
    w.first = w.last = null;
    try {
      this.log.append({ ...w.build(), ...span });
    } catch (err) {
      for (const r of waiting) r.reject(err as Error);
      return;
    }
    for (const r of waiting) r.resolve();
  }
}
