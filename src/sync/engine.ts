// The sync engine: a watcher for low latency and a periodic reconciler that is correct on its own,
// both feeding one writer loop (debounced) that applies source files to the projection through
// their watermarks. Big files are read in slices, taking turns, so the daemon keeps serving and a
// small append is never stuck behind a big import; files whose rows were masked by an older rules
// version are rescanned last, in the background.
import { statSync } from "node:fs";
import { setImmediate as yieldTurn } from "node:timers/promises";
import type { Logger } from "../platform/log.js";
import type { SecretValues } from "../masking/secret-values.js";
import { isTranscript, type SourceFile } from "../projection/sources.js";
import type { ProjectionStore } from "../projection/store.js";
import { catchUpFile } from "./catch-up.js";
import { emptyReport, type ImportReport, type ImportStep } from "./import-step.js";
import { LedgerIndexer } from "./ledger-indexer.js";
import { TranscriptReader, type ReaderState } from "./reader.js";
import { UnparseableTally } from "./unparseable.js";
import { currentVersion } from "./resume.js";
import type { SourceMap } from "./source-map.js";
import type { StoreKeeper } from "./store-keeper.js";
import { importTranscriptStep } from "./transcript-step.js";
import { type DirWatcher, watchSources } from "./watcher.js";

/** Transcript slices asked of the reader thread at once: one being written, the next being read. */
const READER_JOBS = 2;

export interface SyncEngineOptions {
  store: ProjectionStore;
  /** Rebuilds replace the store: the engine waits for them. */
  keeper: StoreKeeper;
  sources: SourceMap;
  log: Logger;
  /** Full reconcile pass interval. */
  reconcileMs: number;
  /** How long a burst of file events is gathered before the writer runs. */
  debounceMs: number;
  /** Bytes one file may be read for before the next file's turn (and the event loop's). */
  sliceBytes: number;
  /** The reader thread's heap limit (MiB); V8's default when absent. */
  readerHeapMb?: number;
  watch: boolean;
  secrets: SecretValues;
  /** Witnesses other hosts' checkpoints after each pass (witness.ts). */
  witness?: { concerns(path: string): boolean; run(): Promise<void> };
}

export interface EngineError {
  at: string;
  message: string;
  file: string | null;
}

export class SyncEngine {
  /** Files to apply, in arrival order; a file with more to read goes to the back. */
  private readonly queue = new Map<string, SourceFile>();
  /** Files whose rows an older rules version masked: rescanned when nothing else waits. */
  private readonly rescans = new Map<string, SourceFile>();
  private readonly watcher: DirWatcher | null;
  /** Transcripts are read, masked and parsed in a thread of their own; this one writes. */
  private readonly reader: TranscriptReader;
  private debounce: NodeJS.Timeout | null = null;
  /** Ledger search documents, behind the events. */
  private readonly indexer: LedgerIndexer;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private fullPending = false;
  private waiters: Array<() => void> = [];
  private closed = false;
  private started = false;
  readonly totals: ImportReport = emptyReport();
  /** Files applied (a step of one, at least) since start. */
  applied = 0;
  lastSyncAt: string | null = null;
  lastReconcileAt: string | null = null;
  lastError: EngineError | null = null;
  /** Lines not understood since start, per source kind, with the most recent; `totals.unparseable` is folded in here. */
  readonly unparseable = new UnparseableTally();

  constructor(private readonly o: SyncEngineOptions) {
    this.indexer = new LedgerIndexer(o.store, o.keeper, o.secrets, (err) => this.fail("indexing a ledger for search failed", null, err));
    this.reader = new TranscriptReader(o.secrets, o.readerHeapMb, (message, fields) => o.log.warn(`sync: ${message}`, fields));
    this.watcher = o.watch
      ? watchSources(o.sources, o.log, this.reconcileSecs, { changed: (path) => this.changed(path), reconcile: () => this.requestReconcile() })
      : null;
  }

  /** Started and not closed: health's `sync` capability. */
  get running(): boolean {
    return this.started && !this.closed;
  }

  start(): void {
    this.started = true;
    this.indexer.soon();
    this.watchRoots();
    this.requestReconcile();
    const tick = () => {
      this.reconcileTimer = setTimeout(() => {
        this.requestReconcile();
        tick();
      }, this.o.reconcileMs);
      this.reconcileTimer.unref();
    };
    tick();
  }

  get watcherState(): { state: "watching" | "degraded" | "off"; dirs: number; reason: string | null } {
    if (!this.watcher) return { state: "off", dirs: 0, reason: "disabled in config (sync.watch)" };
    return { state: this.watcher.degraded ? "degraded" : "watching", dirs: this.watcher.dirs, reason: this.watcher.degraded };
  }

  /** The transcript reader thread: running, restarting after it died, or given up. */
  get readerState(): ReaderState {
    return { ...this.reader.status };
  }

  /** Lines not understood since start, all sources. */
  get unparseableTotal(): number {
    return this.unparseable.total;
  }

  get reconcileSecs(): number {
    return Math.round(this.o.reconcileMs / 1000);
  }

  get pending(): { queued: number; rescans: number; running: boolean } {
    return { queued: this.queue.size, rescans: this.rescans.size, running: this.draining !== null };
  }

  /** Roots that did not exist yet are tried again on every reconcile. */
  private watchRoots(): void {
    if (!this.watcher) return;
    for (const w of this.o.sources.watchList()) this.watcher.watchTree(w.dir, w.depth);
  }

  private changed(path: string): void {
    const source = this.o.sources.fromPath(path);
    if (!source && this.o.witness?.concerns(path)) return this.requestReconcile(); // a pass, then the witness
    if (!source || this.o.sources.isLive(source)) return;
    this.queue.set(source.rel, source);
    this.schedule(this.o.debounceMs);
  }

  private requestReconcile(): void {
    this.fullPending = true;
    this.schedule(this.o.debounceMs);
  }

  private schedule(ms: number): void {
    if (this.closed || this.debounce || this.draining) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.draining = this.drain().finally(() => {
        this.draining = null;
        if (this.queue.size > 0 || this.fullPending) this.schedule(0);
        else for (const w of this.waiters.splice(0)) w();
      });
    }, ms);
    this.debounce.unref();
  }

  /** Reconciles now and resolves once every known change is applied (rescans excepted). */
  async runNow(): Promise<void> {
    this.requestReconcile();
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * One pass over every source: a stat each, compared with the watermarks read in one query. Only
   * files that differ are queued; files gone are marked missing (their rows stay).
   */
  private reconcile(): void {
    this.watchRoots();
    const { sources, errors } = this.o.sources.discover();
    for (const e of errors) this.fail(`cannot list ${e.rel || "the home's sources"}`, e.rel, new Error(e.error));
    const marks = this.o.store.watermarkStats();
    const seen = new Set<string>();
    for (const s of sources) {
      seen.add(s.rel);
      if (this.o.sources.isLive(s)) continue;
      const wm = marks.get(s.rel);
      const st = statSync(s.path, { throwIfNoEntry: false });
      if (!st) continue; // gone between the listing and now: the next pass sees it missing
      if (wm && !wm.missing && st.size === wm.offset && st.ino === wm.inode && st.mtimeMs === wm.mtime_ms) {
        if (!currentVersion(wm, s.kind)) this.rescans.set(s.rel, s);
        continue;
      }
      this.queue.set(s.rel, s);
    }
    if (errors.length === 0) {
      for (const [rel, wm] of marks) {
        if (seen.has(rel) || wm.missing || !this.o.sources.owns(rel)) continue;
        const s = this.o.sources.fromRel(rel);
        if (s && !this.o.sources.isLive(s)) this.queue.set(rel, s); // catchUpFile marks it missing
      }
    }
    this.lastReconcileAt = new Date().toISOString();
  }

  /**
   * Applies queued files until none is left. Transcripts go to the reader thread, two jobs at a
   * time (never two of one file: a slice resumes from the watermark the previous one left), so
   * the reader reads the next while this thread writes; other sources are applied here.
   */
  private async drain(): Promise<void> {
    const inflight = new Map<string, Promise<void>>();
    while (!this.closed) {
      if (this.o.keeper.rebuildingNow) {
        await Promise.all(inflight.values());
        await this.o.keeper.rebuildDone();
        continue;
      }
      if (this.fullPending && inflight.size === 0) {
        this.fullPending = false;
        try {
          this.reconcile();
        } catch (err) {
          this.fail("reconcile failed", null, err);
        }
      }
      const next = this.pick(inflight);
      if (!next) {
        if (inflight.size === 0) break;
        await Promise.race(inflight.values());
        continue;
      }
      const { source, fromQueue } = next;
      const settle = (step: ImportStep) => {
        this.unparseable.add(this.totals.unparseable, (rel) => this.o.sources.fromRel(rel)?.kind);
        if (step.outcome !== "unchanged") this.applied++;
        if (!step.done && !this.closed) (fromQueue ? this.queue : this.rescans).set(source.rel, source);
      };
      if (isTranscript(source.kind)) {
        if (this.reader.status.state === "failed") continue; // said once, in the log and sync.status; other sources go on
        const job = importTranscriptStep(this.o.store, this.reader, this.o.secrets, source, { report: this.totals, budget: this.o.sliceBytes })
          .then(settle, (err: unknown) => this.fail(`syncing ${source.rel} failed`, source.rel, err))
          .finally(() => inflight.delete(source.rel));
        inflight.set(source.rel, job);
        if (inflight.size >= READER_JOBS) await Promise.race(inflight.values());
      } else {
        try {
          settle(catchUpFile(this.o.store.current, source, { report: this.totals, budget: this.o.sliceBytes, secrets: this.o.secrets }));
        } catch (err) {
          this.fail(`syncing ${source.rel} failed`, source.rel, err);
        }
        await yieldTurn();
      }
    }
    await Promise.all(inflight.values());
    if (!this.closed) await this.o.witness?.run();
    this.lastSyncAt = new Date().toISOString();
    this.indexer.soon(); // other hosts' ledgers just applied
  }

  /** A full sync (a rebuild, swapped in) just ended: it is the last sync, and what it found is told. */
  fullSyncDone(report: ImportReport | null): void {
    if (report) this.unparseable.add([...report.unparseable], (rel) => this.o.sources.fromRel(rel)?.kind);
    this.lastSyncAt = new Date().toISOString();
  }

  /** The next file to apply that has no job under way: queued changes first, then rescans. */
  private pick(inflight: Map<string, unknown>): { source: SourceFile; fromQueue: boolean } | null {
    for (const [map, fromQueue] of [
      [this.queue, true],
      [this.rescans, false],
    ] as const) {
      for (const [rel, source] of map) {
        if (inflight.has(rel)) continue;
        map.delete(rel);
        return { source, fromQueue };
      }
    }
    return null;
  }

  /** Ledger events were applied (the ledger writer's commits): their search documents are to be made. */
  indexSoon(): void {
    if (this.started) this.indexer.soon();
  }

  private fail(what: string, file: string | null, err: unknown): void {
    const message = `${what}: ${(err as Error).message}`;
    this.lastError = { at: new Date().toISOString(), message, file };
    this.o.log.warn(`sync: ${message}`, { event: "sync_error", file });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.indexer.close();
    this.watcher?.close();
    this.reader.cancel();
    await this.draining;
    await this.reader.close();
    for (const w of this.waiters.splice(0)) w();
  }
}
