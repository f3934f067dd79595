// The daemon's projection: opens it (a damaged one is set aside, never fatal), keeps it current
// from the ledger writer's commits, the audit log's appends and the source files, and runs the
// operations: verify, diff, rebuild (live, in a worker thread), backup, restore.
import { mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ResultOf } from "../../protocol/index.js";
import type { Logger } from "../daemon/log.js";
import type { WardenPaths } from "../daemon/paths.js";
import type { AuditRecord } from "../ledger/audit-log.js";
import type { CommittedFile } from "../ledger/writer.js";
import { RpcError } from "../rpc/errors.js";
import { lineHash, syncAll, type SyncReport } from "./catchup.js";
import { backupName, checkDbFile, installCopy, listBackupFiles, removeDb, replaceDb } from "./files.js";
import { Projection } from "./projection.js";
import { counts } from "./read.js";
import { auditRow, type AuditRow } from "./rows.js";
import type { Surface } from "./schema.js";
import { auditSource, ledgerSource } from "./sources.js";

export type ProjectionState = "ok" | "degraded" | "rebuilding";

const AUDIT_APPLY_MS = 10;
const AUDIT_APPLY_CHUNK = 32;

export class ProjectionService {
  private p: Projection;
  private rebuilding: Promise<ResultOf<"projection.rebuild">> | null = null;
  private auditQueue: Array<{ row: AuditRow; line: string; end: number }> = [];
  private closed = false;
  state: ProjectionState = "ok";
  readonly path: string;
  readonly backups: string;

  constructor(
    private readonly paths: WardenPaths,
    private readonly log: Logger,
  ) {
    this.path = paths.projection;
    this.backups = paths.backups;
    let fresh = false;
    try {
      fresh = statSync(this.path, { throwIfNoEntry: false }) === undefined;
      this.p = Projection.open(this.path);
      this.p.db.prepare("SELECT count(*) FROM watermarks").get();
    } catch (err) {
      // Damaged: keep it for inspection, start empty, rebuild from the sources once serving.
      const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      this.log.error("projection damaged; set aside, rebuilding from sources", { event: "projection_corrupt", error: (err as Error).message, aside });
      try {
        renameSync(this.path, aside);
      } catch {
        // nothing to move
      }
      removeDb(this.path);
      this.p = Projection.open(this.path);
      fresh = true;
    }
    this.state = fresh ? "degraded" : "ok";
  }

  get db() {
    return this.p.db;
  }

  /**
   * At start: a sound projection catches up with what the sources gained while the daemon was
   * down (a crash between a source append and its apply loses nothing); a new or damaged one is
   * rebuilt in the background, so the daemon serves at once.
   */
  boot(): void {
    if (this.state === "degraded") {
      void this.rebuild(() => {}).catch((err: Error) => this.log.error("boot rebuild failed", { event: "rebuild_failed", error: err.message }));
      return;
    }
    const report = syncAll(this.p, this.paths.home);
    this.log.info("projection caught up", { event: "projection_caught_up", files: report.files, rows: report.rows, ...report.outcomes, unparseable: report.unparseable.length });
  }

  /** The ledger writer's durable batch: rows and watermark, one transaction per file. */
  applyCommitted(files: CommittedFile[]): void {
    for (const f of files) {
      const source = ledgerSource(this.paths.home, this.paths.host, f.session);
      const st = statSync(f.path);
      const last = f.events.at(-1)!;
      this.p.applyLedger(source, f.events, { size: f.end, mtime_ms: st.mtimeMs, inode: st.ino, tail_hash: lineHash(JSON.stringify(last)), offset: f.end, last_seq: last.seq });
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
   * most AUDIT_APPLY_CHUNK per turn, so no single turn stalls requests for long.
   */
  private flushAudit(all = true): void {
    const queued = this.auditQueue.splice(0, all ? this.auditQueue.length : AUDIT_APPLY_CHUNK);
    // During a rebuild, or after close, the next catch-up reads them from the audit file.
    if (queued.length === 0 || this.rebuilding || this.closed) return void this.auditQueue.splice(0);
    const source = auditSource(this.paths.home, this.paths.host);
    const st = statSync(source.path);
    const last = queued.at(-1)!;
    this.p.applyAudit(
      source,
      queued.map((q) => q.row),
      { size: last.end, mtime_ms: st.mtimeMs, inode: st.ino, tail_hash: lineHash(last.line), offset: last.end, last_seq: last.row.seq },
    );
    if (this.auditQueue.length > 0) setImmediate(() => this.flushAudit(false));
  }

  counts() {
    return counts(this.p.db);
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
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL("./compare-worker.js", import.meta.url), { workerData: { home: this.paths.home, path: this.path, op, query } });
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
   * Refuses to swap when the sources yielded nothing although the projection has rows, or when
   * the worker failed.
   */
  rebuild(onProgress: (p: { phase: string; done: number; total: number }) => void): Promise<ResultOf<"projection.rebuild">> {
    if (this.rebuilding) return this.rebuilding;
    const run = this.runRebuild(onProgress).finally(() => {
      this.rebuilding = null;
    });
    this.rebuilding = run;
    return run;
  }

  private async runRebuild(onProgress: (p: { phase: string; done: number; total: number }) => void): Promise<ResultOf<"projection.rebuild">> {
    const t0 = performance.now();
    const previous = this.state;
    this.state = "rebuilding";
    const tmp = join(this.paths.runRoot, "projection.rebuild.sqlite");
    removeDb(tmp);
    try {
      const report = await new Promise<SyncReport>((resolve, reject) => {
        const worker = new Worker(new URL("./rebuild-worker.js", import.meta.url), { workerData: { home: this.paths.home, path: tmp } });
        worker.on("message", (m: { type: string; done?: number; total?: number; report?: SyncReport }) => {
          if (m.type === "progress") onProgress({ phase: "import", done: m.done!, total: m.total! });
          else if (m.type === "done") resolve(m.report!);
        });
        worker.once("error", reject);
        worker.once("exit", (code) => code !== 0 && reject(new Error(`rebuild worker exited with ${code}`)));
      });
      if (this.closed) throw new RpcError("unavailable", "the daemon stopped during the rebuild");
      const live = this.counts();
      if (report.files === 0 && live.events + live.audit + live.approvals > 0) {
        throw new RpcError("conflict", "the sources yielded nothing while the projection has rows; not swapping (is WARDEN_HOME right?)", { files: 0 });
      }
      onProgress({ phase: "swap", done: 0, total: 1 });
      this.p.close();
      replaceDb(tmp, this.path);
      this.p = Projection.open(this.path);
      this.auditQueue = [];
      const caught = syncAll(this.p, this.paths.home); // what was appended while the worker ran
      this.state = "ok";
      const checked = await this.verify();
      const result = { swapped: true, files: report.files, rows: report.rows + caught.rows, unparseable: report.unparseable.length, durationMs: Math.round(performance.now() - t0), verify: checked };
      this.log.info("projection rebuilt", { event: "rebuilt", files: result.files, rows: result.rows, durationMs: result.durationMs, ok: result.verify.ok });
      return result;
    } catch (err) {
      this.state = previous;
      removeDb(tmp);
      this.log.error("rebuild failed; projection unchanged", { event: "rebuild_failed", error: (err as Error).message });
      throw err instanceof RpcError ? err : new RpcError("unavailable", `rebuild failed, projection unchanged: ${(err as Error).message}`);
    }
  }

  async backup(): Promise<ResultOf<"projection.backup">> {
    const t0 = performance.now();
    mkdirSync(this.backups, { recursive: true, mode: 0o700 });
    const file = backupName(this.backups);
    await this.p.db.backup(file); // SQLite online backup, in steps: the daemon keeps serving
    checkDbFile(file);
    return { file, bytes: statSync(file).size, integrity: "ok", durationMs: Math.round(performance.now() - t0) };
  }

  listBackups(): ResultOf<"projection.listBackups"> {
    return { backups: listBackupFiles(this.backups) };
  }

  /** Swaps a checked backup in and brings it current from the sources. */
  restore(file: string): ResultOf<"projection.restore"> {
    if (this.rebuilding) throw new RpcError("conflict", "a rebuild is running; restore after it");
    checkDbFile(file);
    this.flushAudit();
    this.p.close();
    installCopy(file, this.path);
    this.p = Projection.open(this.path);
    const caught = syncAll(this.p, this.paths.home);
    this.log.info("projection restored", { event: "restored", file, rows: caught.rows });
    return { restored: file, caughtUp: { files: caught.files, rows: caught.rows } };
  }

  close(): void {
    this.flushAudit();
    this.closed = true;
    this.p.close();
  }
}
