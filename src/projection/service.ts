// The daemon's projection: opens it (a damaged one is set aside, never fatal), keeps it current
// from the ledger writer's commits, the audit log's appends and the source files, and runs the
// operations: verify, diff (in worker threads), rebuild (imported in a worker), backup, restore.
// A failed apply never loses anything — the rows are still in the source files — it marks the
// projection degraded and schedules a catch-up.
import { renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import type { Logger } from "../platform/log.js";
import type { WardenPaths } from "../platform/paths.js";
import { ensurePrivateDir } from "../platform/secure-dir.js";
import { WardenError } from "../platform/errors.js";
import { copyFileExclusive, refuseSymlink } from "../platform/nofollow.js";
import type { AuditRecord } from "../ledger/audit-log.js";
import type { CommittedFile } from "../ledger/writer.js";
import { RpcError } from "../rpc/errors.js";
import type { SecretValues } from "../masking/secret-values.js";
import { indexNextLedger } from "../sync/ledger-index.js";
import { reportBatch } from "../sync/transcript-slice.js";
import type { TranscriptReader } from "../sync/reader.js";
import { prepareSync, syncAll, syncSource, type SyncOptions, type SyncReport, type SyncStep } from "../sync/catch-up.js";
import { headHash, lineHash } from "../sync/resume.js";
import { remaskBatch } from "./remask.js";
import { SYNC_VERSION } from "./schema.js";
import { backupName, checkDbFile, listBackupFiles, quickCheckProblems, removeDb, replaceDb } from "./files.js";
import { Projection } from "./projection.js";
import type { counts } from "./read.js";
import { auditRow, type AuditRow } from "./rows.js";
import type { Surface } from "./schema.js";
import { auditSource, discoverSources, ledgerSource, type SourceFile, type TranscriptRoot } from "./sources.js";
import type { Watermark, WatermarkStat } from "./projection.js";

export type ProjectionState = "ok" | "degraded" | "rebuilding";

const AUDIT_APPLY_MS = 10;
const AUDIT_APPLY_CHUNK = 32;
const COUNTS_TTL_MS = 2000;
/** Sources up to this size are imported at start rather than in the background (about 50 MB/s). */
const FOREGROUND_BUILD_BYTES = 4 * 1024 * 1024;

type RebuildResult = ResultOf<"projection.rebuild">;

export class ProjectionService {
  private p: Projection;
  private rebuilding: Promise<RebuildResult> | null = null;
  /** What the last rebuild's import read (bytes, secrets masked, lines not understood), for sync.run --full. */
  lastRebuildReport: SyncReport | null = null;
  /** backup, restore and a rebuild's swap take turns. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private auditQueue: Array<{ row: AuditRow; line: string; end: number }> = [];
  private closed = false;
  /** Set when the daemon started on a damaged or missing projection: empty until the first rebuild. */
  private awaitingFirstBuild = false;
  private recovering = false;
  private cachedCounts: { at: number; value: ReturnType<typeof counts> } | null = null;
  state: ProjectionState = "ok";
  readonly path: string;
  readonly backups: string;

  constructor(
    private readonly paths: WardenPaths,
    private readonly log: Logger,
    /** Imported transcripts' roots (rebuilds import them too) and the exact values masked in them. */
    private readonly sync: { transcripts: TranscriptRoot[]; secrets: SecretValues } = { transcripts: [], secrets: undefined as never },
  ) {
    this.path = paths.projection;
    this.backups = paths.backups;
    const existed = statSync(this.path, { throwIfNoEntry: false }) !== undefined;
    let opened: Projection | undefined;
    try {
      opened = Projection.open(this.path);
      // A damaged page must not wait for the first read or write to show (it kept the daemon down).
      const problems = quickCheckProblems(opened.db);
      if (problems !== null) throw new Error(`quick_check: ${problems}`);
      this.p = opened;
    } catch (err) {
      try {
        opened?.close();
      } catch {
        // a damaged file may not even close cleanly; it is set aside either way
      }
      if (err instanceof WardenError) throw err; // a symlink planted in the run root: refuse to start, naming it
      // Damaged: keep it (and its WAL) for inspection, start empty, rebuild from the sources once serving.
      const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      this.log.error("projection damaged; set aside, rebuilding from sources", { event: "projection_corrupt", error: (err as Error).message, aside });
      for (const ext of ["", "-wal"]) {
        try {
          renameSync(this.path + ext, aside + ext);
        } catch {
          // nothing to move
        }
      }
      removeDb(this.path);
      this.p = Projection.open(this.path);
      this.awaitingFirstBuild = true;
    }
    // A missing projection over small sources (a new home) is built by boot() in the foreground,
    // well under a second, so reads never say `unavailable` on a daemon's first start.
    if (!existed && sourceBytes(paths.home) > FOREGROUND_BUILD_BYTES) this.awaitingFirstBuild = true;
    this.useSecrets();
    this.state = this.awaitingFirstBuild ? "degraded" : "ok";
  }

  /** Search text of the ledger is masked with the daemon's secret values too. */
  private useSecrets(): void {
    if (this.sync.secrets) this.p.secrets = this.sync.secrets;
  }

  /** $WARDEN_HOME: where the source files that long events are read from live. */
  get home(): string {
    return this.paths.home;
  }

  /** False while a damaged or missing projection is first rebuilt: `db` would throw `unavailable`. */
  get readable(): boolean {
    return !(this.awaitingFirstBuild && this.rebuilding);
  }

  /** For reads: the projection, or `unavailable` while a damaged or missing one is first rebuilt. */
  get db(): Database.Database {
    if (!this.readable) {
      throw new RpcError("unavailable", "the projection is being rebuilt from the sources; try again shortly (or read with --no-daemon)", { reason: "rebuilding" });
    }
    return this.p.db;
  }

  /**
   * At start: a sound projection catches up with what the sources gained while the daemon was
   * down (a crash between a source append and its apply loses nothing); a new or damaged one is
   * rebuilt in the background, so the daemon serves at once.
   */
  boot(): void {
    if (this.awaitingFirstBuild) return void this.rebuildInBackground("start");
    const stale = this.p.db.prepare("SELECT count(*) AS n FROM watermarks WHERE sync_version != ?").get(SYNC_VERSION) as { n: number };
    if (stale.n > 0) {
      // Sources map to rows differently now: a full resync, built aside and swapped in.
      this.log.info("projection made by an older sync version; rebuilding", { event: "projection_resync", files: stale.n });
      return void this.rebuildInBackground("sync version");
    }
    try {
      const report = syncAll(this.p, this.paths.home);
      this.log.info("projection caught up", { event: "projection_caught_up", files: report.files, rows: report.rows, ...report.outcomes, unparseable: report.unparseable.length, failed: report.failed });
    } catch (err) {
      this.degrade("catch-up at start failed", err);
    }
  }

  /**
   * The ledger writer's durable batch: rows and watermark per file, all files in one transaction
   * (a savepoint each, so one file's failure leaves the others applied). Many sessions printing at
   * once make many small batches: one commit for all of them, not one per session.
   */
  applyCommitted(files: CommittedFile[]): void {
    try {
      this.p.db.transaction(() => {
        this.onLedgerApplied?.();
        for (const f of files) {
          try {
            const source = ledgerSource(this.paths.home, this.paths.host, f.session);
            const st = statSync(f.path);
            const last = f.events.at(-1)!.event;
            const prev = this.p.watermark(source.rel);
            // The head hash covers the first 4 KiB: once a file is past them, it never changes.
            const head = prev && prev.offset >= 4096 && prev.head_hash !== "" ? prev.head_hash : (headHash(f.path, f.end) ?? "");
            this.p.applyLedger(source, f.events, { size: f.end, mtime_ms: st.mtimeMs, inode: st.ino, tail_hash: lineHash(f.lastLine), offset: f.end, last_seq: last.seq, head_hash: head });
          } catch (err) {
            this.degrade(`applying ${f.path} failed`, err); // its watermark did not move: catch-up re-reads it
          }
        }
      })();
      this.cachedCounts = null;
    } catch (err) {
      this.degrade("committing a ledger batch failed", err);
    }
  }

  /**
   * An audit record just written to its file: applied to the projection in a batch up to 10 ms
   * later, off the path of the secret read that caused it (a crash before then loses nothing: the
   * next start catches up from the audit file).
   */
  queueAudit(record: AuditRecord, line: string, end: number): void {
    this.auditQueue.push({ row: auditRow(this.paths.host, record, line), line, end });
    if (this.auditQueue.length === 1) setTimeout(() => this.flushAudit(false), AUDIT_APPLY_MS).unref();
  }

  /**
   * Applies queued audit records: all of them when `all` (before verify, restore, close), else at
   * most AUDIT_APPLY_CHUNK per turn, so no single turn stalls requests for long. During a rebuild
   * they wait: applying them to the database about to be replaced would be lost work.
   */
  private flushAudit(all = true): void {
    if (this.closed || this.rebuilding || this.auditQueue.length === 0) return;
    const queued = this.auditQueue.splice(0, all ? this.auditQueue.length : AUDIT_APPLY_CHUNK);
    try {
      const source = auditSource(this.paths.home, this.paths.host);
      const st = statSync(source.path);
      const last = queued.at(-1)!;
      this.p.applyAudit(
        source,
        queued.map((q) => q.row),
        { size: last.end, mtime_ms: st.mtimeMs, inode: st.ino, tail_hash: lineHash(last.line), offset: last.end, last_seq: last.row.seq, head_hash: headHash(source.path, last.end) ?? "" },
      );
      this.cachedCounts = null;
    } catch (err) {
      this.degrade("applying audit records failed", err);
    }
    if (this.auditQueue.length > 0) setImmediate(() => this.flushAudit(false));
  }

  /** A failed apply: say so, and catch up from the sources soon (rebuild if even that fails). */
  private degrade(what: string, err: unknown): void {
    this.log.error(`projection: ${what}; catching up from the sources`, { event: "projection_degraded", error: (err as Error).message });
    if (this.state === "ok") this.state = "degraded";
    if (this.recovering) return;
    this.recovering = true;
    setTimeout(() => {
      this.recovering = false;
      if (this.closed || this.rebuilding) return;
      try {
        const report = syncAll(this.p, this.paths.home);
        if (report.failed.length === 0) this.state = "ok";
      } catch (e) {
        this.log.error("projection catch-up failed; rebuilding", { event: "projection_degraded", error: (e as Error).message });
        this.rebuildInBackground("recovery");
      }
    }, 100).unref();
  }

  /** For the sync engine: one step of one file (`budget` bytes), on the live projection. */
  syncFile(source: SourceFile, opts: SyncOptions): SyncStep {
    const step = syncSource(this.p, source, { ...opts, secrets: this.sync.secrets });
    this.cachedCounts = null;
    return step;
  }

  /**
   * For the sync engine: one slice of a transcript, read, masked and parsed in the reader thread,
   * each batch written here as it arrives. Stops (done: false) if a rebuild or restore replaces
   * the database meanwhile: the engine tries again after it.
   */
  async syncTranscript(source: SourceFile, reader: TranscriptReader, opts: { report: SyncReport; budget: number }): Promise<SyncStep> {
    const p = this.p;
    const prepared = prepareSync(p, source);
    if ("done" in prepared) return prepared;
    const { wm, st, resume } = prepared;
    const step = await reader.read(source, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }, wm, resume, opts.budget, (batch, secretsVersion) => {
      if (this.p !== p || this.rebuilding || this.closed) return false;
      // Something else moved the watermark (a catch-up, another job): refused, and the job with it.
      if (!batch.reset && (p.watermark(source.rel)?.offset ?? 0) !== batch.from) return false;
      // Masked in the reader before a value was learned here: masked with it now, before it is
      // written; the session and importer state (text of earlier jobs) always are.
      const b = this.sync.secrets ? remaskBatch(batch, this.sync.secrets, secretsVersion !== this.sync.secrets.version) : batch;
      p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
      reportBatch(opts.report, b);
      this.cachedCounts = null;
      return true;
    });
    return this.p === p ? step : { ...step, done: false };
  }

  /**
   * For background rewrites (masking history anew): `fn` on the live projection's writer, or null
   * while a rebuild runs or after close. `fn` gets the projection object: one differing from the
   * last call's means the database was replaced (rebuilt, restored) meanwhile.
   */
  withWriter<T>(fn: (p: Projection) => T): T | null {
    if (this.rebuilding || this.closed || !this.readable) return null;
    const out = fn(this.p);
    this.cachedCounts = null;
    return out;
  }

  /** Told when ledger events were applied (their search documents are to be made). */
  onLedgerApplied: (() => void) | null = null;

  /**
   * One slice of search indexing for the first ledger whose documents lag its events; false when
   * none does (or a rebuild runs: it is done after).
   */
  indexStep(budget: number): boolean {
    if (this.rebuilding || this.closed) return false;
    return indexNextLedger(this.p, this.paths.home, this.sync.secrets, budget);
  }

  /** For a reconcile pass over thousands of files: what each file's stat is compared with, in one query. */
  watermarkStats(): Map<string, WatermarkStat> {
    return this.p.watermarkStats();
  }

  /** Every watermark, by name (without importer state), for status. */
  watermarkIndex(): Map<string, Omit<Watermark, "state">> {
    return new Map(this.p.watermarkHeads().map((w) => [w.path, w]));
  }

  get rebuildingNow(): boolean {
    return this.rebuilding !== null;
  }

  /** Resolves when the rebuild running now is over (at once when none is). */
  async rebuildDone(): Promise<void> {
    await this.rebuilding?.catch(() => {});
  }

  private rebuildInBackground(why: string): void {
    void this.rebuild(() => {}).catch((err: Error) => this.log.error(`rebuild (${why}) failed`, { event: "rebuild_failed", error: err.message }));
  }

  /**
   * Row counts for status, from the watermarks (one row per source file) rather than count(*)
   * over millions of rows: each file's last seq is its number of records when seqs have no gaps.
   */
  /** Ids of `host`'s sessions the projection shows running (boot-time recovery's candidates). */
  runningSessions(host: string): string[] {
    return (this.db.prepare("SELECT id FROM sessions WHERE host = ? AND state = 'running'").all(host) as Array<{ id: string }>).map((r) => r.id);
  }

  counts(): ReturnType<typeof counts> {
    const now = Date.now();
    if (!this.cachedCounts || now - this.cachedCounts.at > COUNTS_TTL_MS) {
      const by = new Map(
        (this.p.db.prepare("SELECT surface, count(*) AS files, coalesce(sum(last_seq), 0) AS seqs FROM watermarks GROUP BY surface").all() as Array<{ surface: string; files: number; seqs: number }>).map(
          (r) => [r.surface, r],
        ),
      );
      const events = by.get("events");
      this.cachedCounts = { at: now, value: { sessions: events?.files ?? 0, events: events?.seqs ?? 0, audit: by.get("audit")?.seqs ?? 0, approvals: by.get("approvals")?.seqs ?? 0 } };
    }
    return this.cachedCounts.value;
  }

  verify(surface?: Surface | "all"): Promise<ResultOf<"projection.verify">> {
    return this.inWorker("verify", { surface, limit: 0 });
  }

  diff(q: { surface?: Surface | "all"; limit: number; cursor?: string }): Promise<ResultOf<"projection.diff">> {
    return this.inWorker("diff", q);
  }

  /** Runs verify or diff in a worker thread on a read-only connection: the daemon keeps serving. */
  private inWorker<T>(op: "verify" | "diff", query: { surface?: Surface | "all"; limit: number; cursor?: string }): Promise<T> {
    this.flushAudit();
    // Masked as import masks: the same values and digests (ledger lines holding a value known by digest too).
    const imported = { host: this.paths.host, transcripts: this.sync.transcripts, secrets: this.sync.secrets?.snapshot() ?? { values: [], digests: null } };
    return this.runWorker("./compare-worker.js", { home: this.paths.home, path: this.path, op, query, ...imported });
  }

  /** A one-shot worker posting {ok, result} or {ok: false, error}; typed errors come back as RpcError. */
  private runWorker<T>(module: string, workerData: object): Promise<T> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL(module, import.meta.url), { workerData });
      worker.once("message", (m: { ok: boolean; result?: T; error?: { message: string; kind?: string; details?: Record<string, unknown> } }) => {
        if (m.ok) resolve(m.result!);
        else if (m.error?.kind) reject(new RpcError(m.error.kind as never, m.error.message, m.error.details ?? {}));
        else reject(new Error(m.error?.message));
      });
      worker.once("error", reject);
    });
  }

  /**
   * Builds a new database from the sources in a worker, then swaps it in and catches it up.
   * A request while a rebuild runs (the one started at boot, say) joins it and gets its result.
   * Refuses to swap when a source file could not be read, when the sources yield no rows while
   * the projection has some, or when the worker failed.
   */
  rebuild(onProgress: (p: { phase: string; done: number; total: number }) => void): Promise<RebuildResult> {
    if (this.rebuilding) return this.rebuilding;
    const run = this.runRebuild(onProgress).finally(() => {
      this.rebuilding = null;
      this.flushAudit(false);
      this.onLedgerApplied?.(); // the indexer pauses during a rebuild: what the swap's catch-up applied is next
    });
    this.rebuilding = run;
    return run;
  }

  private async runRebuild(onProgress: (p: { phase: string; done: number; total: number }) => void): Promise<RebuildResult> {
    const t0 = performance.now();
    const previous = this.state;
    this.state = "rebuilding";
    const tmp = join(this.paths.runRoot, "projection.rebuild.sqlite");
    removeDb(tmp);
    let swapped = false;
    try {
      let indexMs = 0;
      const report = await new Promise<SyncReport>((resolve, reject) => {
        const workerData = { home: this.paths.home, path: tmp, host: this.paths.host, transcripts: this.sync.transcripts, secrets: this.sync.secrets?.snapshot() ?? { values: [], digests: null } };
        const worker = new Worker(new URL("../sync/rebuild-worker.js", import.meta.url), { workerData });
        worker.on("message", (m: { type: string; done?: number; total?: number; report?: SyncReport; indexMs?: number }) => {
          if (m.type === "progress") onProgress({ phase: "import", done: m.done!, total: m.total! });
          else if (m.type === "done") {
            indexMs = m.indexMs ?? 0;
            resolve(m.report!);
          }
        });
        worker.once("error", reject);
        worker.once("exit", (code) => code !== 0 && reject(new Error(`rebuild worker exited with ${code}`)));
      });
      this.lastRebuildReport = report;
      const importMs = Math.round(performance.now() - t0) - indexMs;
      if (this.closed) throw new RpcError("unavailable", "the daemon stopped during the rebuild");
      if (report.failed.length > 0) {
        throw new RpcError("conflict", `could not read ${report.failed.length} source file(s), e.g. ${report.failed[0]!.rel}: ${report.failed[0]!.error}; not swapping`, { failed: report.failed });
      }
      const hasRows = this.p.db.prepare("SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM audit) OR EXISTS (SELECT 1 FROM approvals) AS any").get() as { any: number };
      if (report.rows === 0 && hasRows.any) {
        throw new RpcError("conflict", "the sources yielded no rows while the projection has some; not swapping (is WARDEN_HOME right?)", { files: report.files });
      }
      onProgress({ phase: "swap", done: 0, total: 1 });
      const caught = await this.swapIn(tmp);
      swapped = true;
      this.awaitingFirstBuild = false;
      this.state = "ok";
      onProgress({ phase: "verify", done: 0, total: 1 });
      const checked = await this.verify();
      const result = { swapped: true, files: report.files, rows: report.rows + caught.rows, unparseable: report.unparseable.length, importMs, indexMs, durationMs: Math.round(performance.now() - t0), verify: checked };
      this.log.info("projection rebuilt", { event: "rebuilt", files: result.files, rows: result.rows, importMs, indexMs, durationMs: result.durationMs, ok: result.verify.ok });
      return result;
    } catch (err) {
      removeDb(tmp);
      if (!swapped) {
        this.state = previous;
        // Anything this rebuild kept from being applied (audit records) comes back from the files.
        try {
          syncAll(this.p, this.paths.home);
        } catch {
          // the live projection is no better or worse than before
        }
      }
      const where = swapped ? "after the swap" : "projection unchanged";
      this.log.error(`rebuild failed (${where})`, { event: "rebuild_failed", error: (err as Error).message });
      throw err instanceof RpcError ? err : new RpcError("unavailable", `rebuild failed (${where}): ${(err as Error).message}`);
    }
  }

  /**
   * Replaces the live database with `file` (a closed, complete database) and catches it up from
   * the sources. The candidate is opened first; the live one is closed only once it opened.
   */
  private swapIn(file: string): Promise<{ files: number; rows: number }> {
    return this.turn(() => {
      const check = Projection.open(file);
      check.close();
      this.flushAudit();
      this.p.close();
      try {
        replaceDb(file, this.path);
        this.p = Projection.open(this.path);
      } catch (err) {
        this.p = Projection.open(this.path); // whatever is at the path now, rather than a closed handle
        this.useSecrets();
        throw err;
      }
      this.useSecrets();
      this.auditQueue = []; // in the files, so in the catch-up below
      this.cachedCounts = null;
      const caught = syncAll(this.p, this.paths.home);
      return { files: caught.files, rows: caught.rows };
    });
  }

  /** Runs `fn` after any backup, restore or swap in progress: they never overlap. */
  private turn<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.exclusive.then(fn, fn);
    this.exclusive = run.catch(() => {});
    return run;
  }

  backup(): Promise<ResultOf<"projection.backup">> {
    return this.turn(async () => {
      const t0 = performance.now();
      ensurePrivateDir(this.backups, { tighten: true }); // a symlinked backups/ is refused, not written through
      const file = backupName(this.backups);
      refuseSymlink(file); // VACUUM INTO opens by path
      await this.runWorker("./backup-worker.js", { source: this.path, dest: file });
      return { file, bytes: statSync(file).size, integrity: "ok" as const, durationMs: Math.round(performance.now() - t0) };
    });
  }

  listBackups(): ResultOf<"projection.listBackups"> {
    return { backups: listBackupFiles(this.backups) };
  }

  /** Swaps a checked copy of a backup in and brings it current from the sources. */
  async restore(file: string): Promise<ResultOf<"projection.restore">> {
    if (this.rebuilding) throw new RpcError("conflict", "a rebuild is running; restore after it");
    checkDbFile(file);
    const tmp = `${this.path}.restore-tmp`;
    removeDb(tmp);
    copyFileExclusive(file, tmp);
    try {
      const caught = await this.swapIn(tmp);
      this.log.info("projection restored", { event: "restored", file, rows: caught.rows });
      return { restored: file, caughtUp: caught };
    } finally {
      removeDb(tmp);
    }
  }

  close(): void {
    this.flushAudit();
    this.closed = true;
    this.p.close();
  }
}

/** Total size of the source files; Infinity when they cannot be listed (the rebuild reports why). */
function sourceBytes(home: string): number {
  let total = 0;
  try {
    for (const f of discoverSources(home)) total += statSync(f.path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return Infinity;
  }
  return total;
}
