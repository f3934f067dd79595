// The daemon's projection database as a thing that lives: opened at start (a damaged one is set
// aside, never fatal), replaced whole (a rebuild's or a restore's file swapped in), backed up, and
// closed. What goes into it, and keeping it current from the sources, is sync/'s: the swaps take
// the catch-up to run on the new database as a function.
import { renameSync, statSync } from "node:fs";
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import type { Logger } from "../platform/log.js";
import type { WardenPaths } from "../platform/paths.js";
import { ensurePrivateDir } from "../platform/secure-dir.js";
import { WardenError } from "../platform/errors.js";
import { copyFileExclusive, refuseSymlink } from "../platform/nofollow.js";
import { RpcError } from "../rpc/errors.js";
import { backupName, checkDbFile, listBackupFiles, quickCheckProblems, removeDb, replaceDb } from "./files.js";
import { Projection, type Watermark, type WatermarkStat } from "./projection.js";
import { ProjectionReader } from "./reader.js";
import { callWorker } from "./worker-call.js";

export type ProjectionState = "ok" | "degraded" | "rebuilding";

/** What a swap runs on the new database before anything else may write to it: the catch-up from the sources. */
export type CatchUp = (p: Projection) => { files: number; rows: number };

export class ProjectionStore {
  private p: Projection;
  /** backup, restore and a rebuild's swap take turns. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private closedNow = false;
  /** Set when the daemon started on a damaged or missing projection: empty until the first rebuild. */
  awaitingFirstBuild = false;
  /** While a new database is built aside (sync's rebuild): writes to this one wait or would be lost. */
  rebuilding = false;
  state: ProjectionState = "ok";
  readonly path: string;
  readonly backups: string;

  constructor(
    private readonly paths: WardenPaths,
    private readonly log: Logger,
    /** Asked only when there was no projection: whether the sources are too big to import before serving. */
    bigSources: () => boolean = () => false,
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
    // A missing projection over small sources (a new home) is built in the foreground at start,
    // well under a second, so reads never say `unavailable` on a daemon's first start.
    if (!existed && bigSources()) this.awaitingFirstBuild = true;
    this.state = this.awaitingFirstBuild ? "degraded" : "ok";
  }

  /** $WARDEN_HOME: where the source files that long events are read from live. */
  get home(): string {
    return this.paths.home;
  }

  get closed(): boolean {
    return this.closedNow;
  }

  /** False while a damaged or missing projection is first rebuilt: `db` would throw `unavailable`. */
  get readable(): boolean {
    return !(this.awaitingFirstBuild && this.rebuilding);
  }

  /** For reads: the projection, or `unavailable` while a damaged or missing one is first rebuilt. */
  get db(): Database.Database {
    if (!this.readable) {
      throw new RpcError("unavailable", "the projection is being rebuilt from the sources; try again shortly (or read with --no-daemon)", {
        reason: "rebuilding",
      });
    }
    return this.p.db;
  }

  /** For reads: the current database's reader (a new one once a rebuild or restore swaps the file); `unavailable` as `db`. */
  get reader(): ProjectionReader {
    return ProjectionReader.of(this.db);
  }

  /**
   * The live database, for its one writer (sync's appliers). A different object than last time
   * means the database was replaced (rebuilt, restored) meanwhile.
   */
  get current(): Projection {
    return this.p;
  }

  /**
   * For background rewrites (masking history anew): `fn` on the live projection's writer, or null
   * while a rebuild runs or after close.
   */
  withWriter<T>(fn: (p: Projection) => T): T | null {
    if (this.rebuilding || this.closedNow || !this.readable) return null;
    return fn(this.p);
  }

  /** For a reconcile pass over thousands of files: what each file's stat is compared with, in one query. */
  watermarkStats(): Map<string, WatermarkStat> {
    return this.p.watermarkStats();
  }

  /** Every watermark, by name (without importer state), for status. */
  watermarkIndex(): Map<string, Omit<Watermark, "state">> {
    return new Map(this.p.watermarkHeads().map((w) => [w.path, w]));
  }

  /** Ids of `host`'s sessions the projection shows running (boot-time recovery's candidates). */
  runningSessions(host: string): string[] {
    return (this.db.prepare("SELECT id FROM sessions WHERE host = ? AND state = 'running'").all(host) as Array<{ id: string }>).map((r) => r.id);
  }

  /**
   * Replaces the live database with `file` (a closed, complete database) and runs `catchUp` on
   * it. The candidate is opened first; the live one is closed only once it opened.
   */
  swapIn(file: string, catchUp: CatchUp): Promise<{ files: number; rows: number }> {
    return this.turn(() => {
      const check = Projection.open(file);
      check.close();
      this.p.close();
      try {
        replaceDb(file, this.path);
        this.p = Projection.open(this.path);
      } catch (err) {
        this.p = Projection.open(this.path); // whatever is at the path now, rather than a closed handle
        throw err;
      }
      return catchUp(this.p);
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
      await callWorker(new URL("./backup-worker.js", import.meta.url), { source: this.path, dest: file });
      return { file, bytes: statSync(file).size, integrity: "ok" as const, durationMs: Math.round(performance.now() - t0) };
    });
  }

  listBackups(): ResultOf<"projection.listBackups"> {
    return { backups: listBackupFiles(this.backups) };
  }

  /** Swaps a checked copy of a backup in and brings it current with `catchUp`. */
  async restore(file: string, catchUp: CatchUp): Promise<ResultOf<"projection.restore">> {
    if (this.rebuilding) throw new RpcError("conflict", "a rebuild is running; restore after it");
    checkDbFile(file);
    const tmp = `${this.path}.restore-tmp`;
    removeDb(tmp);
    copyFileExclusive(file, tmp);
    try {
      const caught = await this.swapIn(tmp, catchUp);
      this.log.info("projection restored", { event: "restored", file, rows: caught.rows });
      return { restored: file, caughtUp: caught };
    } finally {
      removeDb(tmp);
    }
  }

  close(): void {
    this.closedNow = true;
    this.p.close();
  }
}
