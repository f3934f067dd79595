// The background job that masks history anew when values become known as secret (a vault
// unlocked, a value added to an unlocked vault): every projection row holding one of them is
// rewritten, a batch per event-loop turn, on the projection's one writer. Values arriving while a
// job runs join the next pass; a rebuild or restore meanwhile restarts the pass on the new
// database. When a pass rewrote something, its time is recorded in run/<host>/remask.json: backups
// older than it still hold the values (doctor lists them).
import { readFileSync } from "node:fs";
import type { Logger } from "../platform/log.js";
import { writeFileNoFollow } from "../platform/nofollow.js";
import { SecretValues } from "../masking/secret-values.js";
import type { Projection } from "../projection/projection.js";
import { remaskDocs, remaskEvents, remaskSessions, remaskStaged, type RemaskCounts, type RemaskCursor } from "../projection/remask.js";
import type { ProjectionStore } from "../projection/store.js";

/** Events checked per event-loop turn (in SQLite; their data can be large). */
const BATCH = 500;
const RETRY_MS = 500;
const INDEX_WAIT_MS = 100;
/** An index that does not catch up in this long (a stuck indexer) does not hold the pass forever. */
const INDEX_WAIT_MAX_MS = 5 * 60_000;
/** How often the job looks whether the database was replaced (a rebuild, a restore) since its last pass. */
const SWAP_CHECK_MS = 2000;

export interface RemaskState {
  /** When a pass last rewrote rows (ISO), or null. */
  lastRewriteAt: string | null;
  /** Rows rewritten by passes so far. */
  rows: number;
  /** Of them, rows of warden's own ledgers, whose source line still holds the value. */
  ledgerRows: number;
}

export interface RemaskStatus extends RemaskState {
  state: "idle" | "running";
  /** Values the running pass masks, and those waiting for the next. */
  values: number;
  scanned: number;
  total: number;
  rewritten: number;
  startedAt: string | null;
  finishedAt: string | null;
}

export function readRemaskState(path: string): RemaskState {
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as Partial<RemaskState>;
    return { lastRewriteAt: typeof s.lastRewriteAt === "string" ? s.lastRewriteAt : null, rows: Number(s.rows) || 0, ledgerRows: Number(s.ledgerRows) || 0 };
  } catch {
    return { lastRewriteAt: null, rows: 0, ledgerRows: 0 };
  }
}

export class RemaskJob {
  private waiting: string[] = [];
  private pass: {
    only: SecretValues;
    values: number;
    cursor: RemaskCursor | null;
    eventsDone: boolean;
    /** Ledgers whose search documents lagged their events when the pass began, and how far they must reach. */
    indexTarget: Array<{ path: string; offset: number }>;
    waitingSince?: number;
    p: Projection | null;
    counts: RemaskCounts;
    total: number;
  } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private saved: RemaskState;
  private startedAt: string | null = null;
  private finishedAt: string | null = null;
  private lastCounts: RemaskCounts = { scanned: 0, rewritten: 0, ledgerRows: 0 };
  /** Values every pass so far masked, and the database the last one ran on. */
  private done: string[] = [];
  private lastP: Projection | null = null;
  private readonly swapCheck: NodeJS.Timeout;

  constructor(
    private readonly projection: ProjectionStore,
    private readonly statePath: string,
    private readonly log: Logger,
  ) {
    this.saved = readRemaskState(statePath);
    // A rebuild builds from a snapshot of the values taken when it started: one learned meanwhile
    // is masked on the database swapped in, by a pass of every value again.
    this.swapCheck = setInterval(() => {
      const p = this.projection.withWriter((p) => p);
      if (p && this.lastP && p !== this.lastP && !this.pass && this.waiting.length === 0 && this.done.length > 0) {
        this.lastP = p;
        this.add(this.done.splice(0));
      }
    }, SWAP_CHECK_MS).unref();
  }

  /** Values just learned: masked in history by the next pass. */
  add(values: readonly string[]): void {
    if (this.closed || values.length === 0) return;
    this.waiting.push(...values);
    if (!this.pass) this.schedule(0);
  }

  status(): RemaskStatus {
    const c = this.pass?.counts ?? this.lastCounts;
    return {
      ...this.saved,
      state: this.pass ? "running" : "idle",
      values: (this.pass?.values ?? 0) + this.waiting.length,
      scanned: c.scanned,
      total: this.pass?.total ?? c.scanned,
      rewritten: c.rewritten,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
    };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.swapCheck);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.step();
    }, ms);
  }

  private begin(): void {
    const only = new SecretValues();
    for (const v of this.waiting.splice(0)) only.add(v);
    this.pass = {
      only,
      values: only.size,
      cursor: null,
      eventsDone: false,
      indexTarget: [],
      p: null,
      counts: { scanned: 0, rewritten: 0, ledgerRows: 0 },
      total: 0,
    };
    this.startedAt = new Date().toISOString();
    this.finishedAt = null;
  }

  private step(): void {
    if (!this.pass) {
      if (this.waiting.length === 0) return;
      this.begin();
    }
    const pass = this.pass!;
    let next: "more" | "wait" | "done" | null;
    try {
      next = this.projection.withWriter((p) => {
        if (pass.p !== p) {
          // First step, or the database was replaced: the whole pass again, on this one.
          pass.p = p;
          pass.cursor = null;
          pass.eventsDone = false;
          pass.waitingSince = undefined;
          pass.total = (p.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
          pass.indexTarget = p.db.prepare("SELECT path, offset FROM watermarks WHERE kind = 'ledger' AND indexed < offset").all() as Array<{
            path: string;
            offset: number;
          }>;
          // Staged rows first, in this turn: one swapped into events later, behind the events cursor,
          // is masked already (batches applied from now on are masked before they are written).
          remaskStaged(p, pass.only, pass.counts);
        }
        if (!pass.eventsDone) {
          pass.cursor = remaskEvents(p, pass.only, pass.cursor, BATCH, pass.counts);
          pass.eventsDone = pass.cursor === null;
          return "more";
        }
        // Long ledger lines are found through their search documents: those of every event stored
        // before the pass began must exist first (the indexer makes them in the background).
        const indexed = p.db.prepare("SELECT indexed FROM watermarks WHERE path = ?");
        const lagging = pass.indexTarget.some((t) => ((indexed.get(t.path) as { indexed: number } | undefined)?.indexed ?? Infinity) < t.offset);
        pass.waitingSince ??= Date.now();
        if (lagging && Date.now() - pass.waitingSince < INDEX_WAIT_MAX_MS) return "wait";
        remaskSessions(p, pass.only, pass.counts);
        remaskDocs(p, pass.only, pass.counts, this.projection.home);
        return "done";
      });
    } catch (err) {
      this.log.error("masking history anew failed; retrying", { event: "remask_failed", error: (err as Error).message });
      next = null;
    }
    if (next === null || next === "wait") return this.schedule(next === null ? RETRY_MS : INDEX_WAIT_MS); // a rebuild runs, the index lags, or the step failed: later
    if (next === "more") return this.schedule(0);
    this.finish(pass);
    if (this.waiting.length > 0) this.schedule(0);
  }

  private finish(pass: NonNullable<RemaskJob["pass"]>): void {
    this.pass = null;
    this.lastCounts = pass.counts;
    this.done.push(...pass.only.values());
    this.lastP = pass.p;
    this.finishedAt = new Date().toISOString();
    this.log.info("history masked anew", { event: "remasked", values: pass.values, scanned: pass.counts.scanned, rewritten: pass.counts.rewritten });
    if (pass.counts.rewritten === 0) return;
    this.saved = { lastRewriteAt: this.finishedAt, rows: this.saved.rows + pass.counts.rewritten, ledgerRows: this.saved.ledgerRows + pass.counts.ledgerRows };
    try {
      writeFileNoFollow(this.statePath, JSON.stringify(this.saved) + "\n");
    } catch (err) {
      this.log.error("could not record the history rewrite", { event: "remask_state_failed", error: (err as Error).message });
    }
  }
}
