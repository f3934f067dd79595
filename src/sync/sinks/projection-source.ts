// What `warden sync push` reads (direct mode, like the CLI's other no-daemon reads): the projection
// file, opened read-only. With no daemon running to keep it current, and source files holding
// more than it has applied (synced in from other hosts, or no projection at all), a private
// in-memory copy is caught up from them instead — never the file itself.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { inspectLock } from "../../platform/lock.js";
import type { WardenPaths } from "../../platform/paths.js";
import { catchUpAll } from "../catch-up.js";
import { watermarkLimits } from "../../projection/compare.js";
import { Projection } from "../../projection/projection.js";
import { discoverSources } from "../discover.js";

export class PushSource {
  private file: Projection | null = null;
  /** The inode the open file had: a projection replaced under us (set aside when damaged, restored) is reopened. */
  private inode = 0;

  constructor(private readonly paths: WardenPaths) {}

  /**
   * A token that changes whenever the projection does (its data_version) or, with no daemon
   * running, a source file does (a stat per file). Cheap enough to poll every second or two.
   */
  stamp(): string {
    const file = this.openFile();
    const version = file ? String(file.db.pragma("data_version", { simple: true })) : "none";
    if (this.daemonRunning()) return `d|${version}|${this.checkpointSizes()}`;
    const sizes = discoverSources(this.paths.home).map((s) => `${s.rel}:${statSync(s.path, { throwIfNoEntry: false })?.size ?? -1}`);
    return `f|${version}|${sizes.join(",")}|${this.checkpointSizes()}`;
  }

  /** Every host's checkpoints file size: a checkpoint alone (written after its records) is a change to push. */
  private checkpointSizes(): string {
    const dir = join(this.paths.home, "audit");
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".checkpoints")) : [];
    return files.map((f) => `${f}:${statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? -1}`).join(",");
  }

  /** Runs `fn` on the current projection: the file, or a caught-up in-memory copy when the file is behind with no daemon to catch it up. */
  async use<T>(fn: (db: Database.Database, from: "projection" | "sources") => Promise<T>): Promise<T> {
    const file = this.openFile();
    if (file && (this.daemonRunning() || !this.behind(file))) return fn(file.db, "projection");
    const mem = Projection.inMemory(file?.db.serialize());
    try {
      catchUpAll(mem, this.paths.home);
      return await fn(mem.db, file ? "projection" : "sources");
    } finally {
      mem.close();
    }
  }

  close(): void {
    this.file?.close();
    this.file = null;
  }

  private openFile(): Projection | null {
    const ino = statSync(this.paths.projection, { throwIfNoEntry: false })?.ino ?? 0;
    if (this.file && ino === this.inode) return this.file;
    this.close();
    if (ino === 0) return null;
    try {
      this.file = Projection.open(this.paths.projection, { readonly: true });
      this.inode = ino;
    } catch {
      this.file = null; // damaged or mid-rebuild: read the sources this time
    }
    return this.file;
  }

  private daemonRunning(): boolean {
    try {
      return inspectLock(this.paths.lock, this.paths.host).state === "running";
    } catch {
      return false;
    }
  }

  private behind(p: Projection): boolean {
    const limits = watermarkLimits(p.db);
    return discoverSources(this.paths.home).some((s) => (statSync(s.path, { throwIfNoEntry: false })?.size ?? 0) !== (limits.get(s.rel) ?? -1));
  }
}
