// File events for low latency: one inotify watch per directory (fs.watch, non-recursive; libuv
// keeps a single inotify descriptor for all of them, so descriptors stay bounded whatever the
// archive's size). Watchers are best effort — events are dropped on overflow, a watch limit
// (ENOSPC) stops new ones, and a directory created between two events may hide files — so the
// engine's reconciler stays the source of truth; `trouble` tells it to reconcile now.
import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";

export interface WatcherEvents {
  /** A file in a watched directory changed, appeared or went. */
  changed(path: string): void;
  /** Events may have been missed (a new directory, a failed watch): reconcile soon. */
  trouble(reason: string): void;
  /** Some directory cannot be watched (why), or again every one can (null): said once per change. */
  degraded?(reason: string | null): void;
}

export class DirWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  /** Why the last watch could not be set (the watch limit, mostly); null while all is well. */
  degraded: string | null = null;
  /** Directories whose watch failed (tried again on each pass; the reconciler covers them meanwhile). */
  private readonly unwatchable = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly on: WatcherEvents,
    /** Directories never watched: this host's own ledger, which the daemon applies as it writes it. */
    private readonly skip: (dir: string) => boolean = () => false,
    private readonly watchFn: typeof watch = watch,
  ) {}

  get dirs(): number {
    return this.watchers.size;
  }

  /** Watches `root` and every directory under it, down to `depth` levels. A missing root is skipped. */
  watchTree(root: string, depth: number): void {
    if (this.closed || this.skip(root) || !this.watchDir(root)) return;
    if (depth <= 0) return;
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) this.watchTree(join(root, e.name), depth - 1);
  }

  private watchDir(dir: string): boolean {
    if (this.watchers.has(dir)) return true;
    let w: FSWatcher;
    try {
      w = this.watchFn(dir, { persistent: false }, (type, name) => this.event(dir, type, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return false;
      const reason = code === "ENOSPC" ? "the inotify watch limit is reached (fs.inotify.max_user_watches); relying on the reconciler" : `cannot watch ${dir}: ${(err as Error).message}`;
      // Each pass tries again; only a directory newly failing asks for a pass (else: a reconcile loop).
      if (this.unwatchable.has(dir)) return false;
      this.unwatchable.set(dir, reason);
      if (this.degraded === null) this.on.degraded?.(reason);
      this.degraded = reason;
      this.on.trouble(reason);
      return false;
    }
    if (this.unwatchable.delete(dir) && this.unwatchable.size === 0) {
      this.degraded = null;
      this.on.degraded?.(null);
    }
    w.on("error", () => this.unwatch(dir)); // the directory went away
    this.watchers.set(dir, w);
    return true;
  }

  private unwatch(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  private event(dir: string, type: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null) return this.on.trouble(`unnamed event in ${dir}`); // overflow: anything may have changed
    const path = join(dir, name.toString());
    if (type === "change") return this.on.changed(path); // a write: the common case, no stat
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      if (!this.watchers.has(path) && !this.skip(path)) {
        this.watchTree(path, 4);
        this.on.trouble(`new directory ${path}`); // files may have landed in it before the watch
      }
      return;
    }
    if (!st && this.watchers.has(path)) return this.unwatch(path);
    this.on.changed(path);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
