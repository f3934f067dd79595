// Keeps the projection store current from the sources when it is not a matter of one file: at
// start (the tail the sources gained while the daemon was down, or a rebuild of a new or damaged
// store), after a failed apply (catch up; rebuild if even that fails), and on request: rebuild (a
// fresh store synced from every source in a worker, then swapped in), restore (a backup swapped
// in and caught up), verify and diff (the sources read again in a worker, compared with the store).
// Live changes come through it too: the ledger writer's commits and the audit log's appends.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { ResultOf } from "../../protocol/index.js";
import type { CommittedFile } from "../ledger/writer.js";
import type { SecretValues } from "../masking/secret-values.js";
import type { Logger } from "../platform/log.js";
import type { WardenPaths } from "../platform/paths.js";
import { removeDb } from "../projection/files.js";
import type { Projection } from "../projection/projection.js";
import { SYNC_VERSION, type Surface } from "../projection/schema.js";
import type { ProjectionStore } from "../projection/store.js";
import { callWorker } from "../projection/worker-call.js";
import { RpcError } from "../rpc/errors.js";
import { AuditQueue } from "./audit-queue.js";
import { catchUpAll } from "./catch-up.js";
import type { ImportReport } from "./import-step.js";
import { discoverSources, type TranscriptRoot } from "./discover.js";
import { applyCommitted } from "./ledger-commits.js";

type RebuildResult = ResultOf<"projection.rebuild">;
type Progress = { phase: string; done: number; total: number };

/** Sources up to this size are imported at start rather than in the background (about 50 MB/s). */
const FOREGROUND_BUILD_BYTES = 4 * 1024 * 1024;

/** Whether $WARDEN_HOME's sources are too big to import before serving (a new projection is then built in the background). */
export function bigSources(home: string): boolean {
  let total = 0;
  try {
    for (const f of discoverSources(home)) total += statSync(f.path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return true; // they cannot be listed: the rebuild reports why
  }
  return total > FOREGROUND_BUILD_BYTES;
}

/** The catch-up a swapped-in database gets: every source file of the home, to its end. */
const catchUp = (home: string) => (p: Projection) => {
  const c = catchUpAll(p, home);
  return { files: c.files, rows: c.rows };
};

export class StoreKeeper {
  private rebuilding: Promise<RebuildResult> | null = null;
  private recovering = false;
  /** What the last rebuild's import read (bytes, secrets masked, lines not understood), for sync.run --full. */
  lastRebuildReport: ImportReport | null = null;
  /** Audit records just appended, applied in batches. */
  readonly audit: AuditQueue;

  constructor(
    private readonly store: ProjectionStore,
    private readonly paths: WardenPaths,
    private readonly log: Logger,
    /** Imported transcripts' roots (rebuilds import them too) and the exact values masked in them. */
    private readonly imports: { transcripts: TranscriptRoot[]; secrets: SecretValues },
  ) {
    this.audit = new AuditQueue(store, paths.host, (what, err) => this.degrade(what, err));
  }

  /**
   * At start: a sound projection catches up with what the sources gained while the daemon was
   * down (a crash between a source append and its apply loses nothing); a new or damaged one is
   * rebuilt in the background, so the daemon serves at once.
   */
  boot(): void {
    if (this.store.awaitingFirstBuild) return void this.rebuildInBackground("start");
    const stale = this.store.current.db.prepare("SELECT count(*) AS n FROM watermarks WHERE sync_version != ?").get(SYNC_VERSION) as { n: number };
    if (stale.n > 0) {
      // Sources map to rows differently now: a full resync, built aside and swapped in.
      this.log.info("projection made by an older sync version; rebuilding", { event: "projection_resync", files: stale.n });
      return void this.rebuildInBackground("sync version");
    }
    try {
      const report = catchUpAll(this.store.current, this.paths.home);
      this.log.info("projection caught up", {
        event: "projection_caught_up",
        files: report.files,
        rows: report.rows,
        ...report.outcomes,
        unparseable: report.unparseable.length,
        failed: report.failed,
      });
    } catch (err) {
      this.degrade("catch-up at start failed", err);
    }
  }

  /** The ledger writer's durable batch, applied (see ledger-commits.ts). */
  applyCommitted(files: CommittedFile[]): void {
    applyCommitted(this.store, this.paths.host, files, (what, err) => this.degrade(what, err));
  }

  /** A failed apply: say so, and catch up from the sources soon (rebuild if even that fails). */
  degrade(what: string, err: unknown): void {
    this.log.error(`projection: ${what}; catching up from the sources`, { event: "projection_degraded", error: (err as Error).message });
    if (this.store.state === "ok") this.store.state = "degraded";
    if (this.recovering) return;
    this.recovering = true;
    setTimeout(() => {
      this.recovering = false;
      if (this.store.closed || this.rebuilding) return;
      try {
        const report = catchUpAll(this.store.current, this.paths.home);
        if (report.failed.length === 0) this.store.state = "ok";
      } catch (e) {
        this.log.error("projection catch-up failed; rebuilding", { event: "projection_degraded", error: (e as Error).message });
        this.rebuildInBackground("recovery");
      }
    }, 100).unref();
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

  /** What the compare and rebuild workers mask with: the values and the digests import masks with. */
  private workerImports() {
    return { host: this.paths.host, transcripts: this.imports.transcripts, secrets: this.imports.secrets.snapshot() };
  }

  verify(surface?: Surface | "all"): Promise<ResultOf<"projection.verify">> {
    return this.compare("verify", { surface, limit: 0 });
  }

  diff(q: { surface?: Surface | "all"; limit: number; cursor?: string }): Promise<ResultOf<"projection.diff">> {
    return this.compare("diff", q);
  }

  /** Runs verify or diff in a worker thread on a read-only connection: the daemon keeps serving. */
  private compare<T>(op: "verify" | "diff", query: { surface?: Surface | "all"; limit: number; cursor?: string }): Promise<T> {
    this.audit.flush();
    return callWorker(new URL("./compare-worker.js", import.meta.url), { home: this.paths.home, path: this.store.path, op, query, ...this.workerImports() });
  }

  /** Swaps a checked copy of a backup in and brings it current from the sources. */
  restore(file: string): Promise<ResultOf<"projection.restore">> {
    this.audit.flush();
    return this.store.restore(file, catchUp(this.paths.home));
  }

  /**
   * Builds a new database from the sources in a worker, then swaps it in and catches it up.
   * A request while a rebuild runs (the one started at boot, say) joins it and gets its result.
   * Refuses to swap when a source file could not be read, when the sources yield no rows while
   * the projection has some, or when the worker failed.
   */
  rebuild(onProgress: (p: Progress) => void): Promise<RebuildResult> {
    if (this.rebuilding) return this.rebuilding;
    this.store.rebuilding = true;
    const run = this.runRebuild(onProgress).finally(() => {
      this.rebuilding = null;
      this.store.rebuilding = false;
      this.audit.flush(false);
    });
    this.rebuilding = run;
    return run;
  }

  private async runRebuild(onProgress: (p: Progress) => void): Promise<RebuildResult> {
    const t0 = performance.now();
    const store = this.store;
    const previous = store.state;
    store.state = "rebuilding";
    const tmp = join(this.paths.runRoot, "projection.rebuild.sqlite");
    removeDb(tmp);
    let swapped = false;
    try {
      const { report, indexMs } = await callWorker<{ report: ImportReport; indexMs: number }, { done: number; total: number }>(
        new URL("./rebuild-worker.js", import.meta.url),
        { home: this.paths.home, path: tmp, ...this.workerImports() },
        (m) => onProgress({ phase: "import", done: m.done, total: m.total }),
      );
      this.lastRebuildReport = report;
      const importMs = Math.round(performance.now() - t0) - indexMs;
      if (store.closed) throw new RpcError("unavailable", "the daemon stopped during the rebuild");
      if (report.failed.length > 0) {
        throw new RpcError(
          "conflict",
          `could not read ${report.failed.length} source file(s), e.g. ${report.failed[0]!.rel}: ${report.failed[0]!.error}; not swapping`,
          { failed: report.failed },
        );
      }
      const hasRows = store.current.db
        .prepare("SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM audit) OR EXISTS (SELECT 1 FROM approvals) AS any")
        .get() as { any: number };
      if (report.rows === 0 && hasRows.any) {
        throw new RpcError("conflict", "the sources yielded no rows while the projection has some; not swapping (is WARDEN_HOME right?)", {
          files: report.files,
        });
      }
      onProgress({ phase: "swap", done: 0, total: 1 });
      const caught = await store.swapIn(tmp, catchUp(this.paths.home));
      swapped = true;
      store.awaitingFirstBuild = false;
      store.state = "ok";
      onProgress({ phase: "verify", done: 0, total: 1 });
      const checked = await this.verify();
      const result = {
        swapped: true,
        files: report.files,
        rows: report.rows + caught.rows,
        unparseable: report.unparseable.length,
        importMs,
        indexMs,
        durationMs: Math.round(performance.now() - t0),
        verify: checked,
      };
      this.log.info("projection rebuilt", {
        event: "rebuilt",
        files: result.files,
        rows: result.rows,
        importMs,
        indexMs,
        durationMs: result.durationMs,
        ok: result.verify.ok,
      });
      return result;
    } catch (err) {
      removeDb(tmp);
      if (!swapped) {
        store.state = previous;
        // Anything this rebuild kept from being applied (audit records) comes back from the files.
        try {
          catchUpAll(store.current, this.paths.home);
        } catch {
          // the live projection is no better or worse than before
        }
      }
      const where = swapped ? "after the swap" : "projection unchanged";
      this.log.error(`rebuild failed (${where})`, { event: "rebuild_failed", error: (err as Error).message });
      throw err instanceof RpcError ? err : new RpcError("unavailable", `rebuild failed (${where}): ${(err as Error).message}`);
    }
  }

  /** Applies what is queued, then closes the store (the daemon's last write to it). */
  close(): void {
    this.audit.flush();
    this.store.close();
  }
}
