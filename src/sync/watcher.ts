// File events for low latency: one inotify watch per directory (fs.watch, non-recursive; libuv
// keeps a single inotify descriptor for all of them, so descriptors stay bounded whatever the
// archive's size). Watchers are best effort — events are dropped on overflow, a watch limit
// (ENOSPC) stops new ones, and a directory created between two events may hide files — so the
// engine's reconciler stays the source of truth; `trouble` tells it to reconcile now. A root that
// does not exist yet (Claude Code installed after the daemon started) is waited for on its nearest
// existing ancestor, and watched the moment it appears.
import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Logger } from "../platform/log.js";

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
  /** Roots that do not exist yet, each with the depth to watch it to once it does. */
  private readonly awaited = new Map<string, number>();
  /** The nearest existing ancestor of each awaited root, watched for the next step of its path only. */
  private readonly ancestors = new Map<string, FSWatcher>();
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

  /** The ancestors watched for roots that do not exist yet. */
  get waitingOn(): string[] {
    return [...this.ancestors.keys()];
  }

  /**
   * Watches `root` and every directory under it, down to `depth` levels. A missing root is waited
   * for: its nearest existing ancestor is watched until the root appears.
   */
  watchTree(root: string, depth: number): void {
    if (this.closed || this.skip(root)) return;
    if (!this.watchDir(root)) {
      if (!isDir(root)) this.await(root, depth);
      return;
    }
    if (depth <= 0) return;
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) this.watchTree(join(root, e.name), depth - 1);
  }

  private await(root: string, depth: number): void {
    this.awaited.set(root, depth);
    const dir = nearestDir(root);
    if (this.ancestors.has(dir)) return;
    try {
      const w = this.watchFn(dir, { persistent: false }, (_type, name) => this.ancestorEvent(dir, name));
      w.on("error", () => {
        // The ancestor went (or its watch broke): every root waiting on it looks again, higher up if need be.
        w.close();
        this.ancestors.delete(dir);
        this.ancestorEvent(dir, null);
      });
      this.ancestors.set(dir, w);
    } catch (err) {
      // Not watchable (permissions, the watch limit): the reconciler finds the root when it comes.
      this.degraded = `cannot watch ${dir} for ${root} to appear: ${(err as Error).message}`;
      return;
    }
    // The next step of the path may have been made between the look and the watch (mkdir -p):
    // no event will come for it, so look again now.
    if (isDir(root) || nearestDir(root) !== dir) this.ancestorEvent(dir, null);
  }

  /** Something changed in an ancestor of awaited roots: the roots on that path are tried again. */
  private ancestorEvent(dir: string, name: string | Buffer | null): void {
    if (this.closed) return;
    // An event about the ancestor itself (deleted, moved) concerns every root waiting on it.
    const step = name === null || !isDir(dir) ? null : name.toString();
    const concerned = [...this.awaited].filter(([root]) => {
      const rel = relative(dir, root);
      return rel !== "" && !rel.startsWith("..") && (step === null || rel.split(sep)[0] === step);
    });
    if (concerned.length === 0) return;
    for (const [root, depth] of concerned) {
      this.awaited.delete(root);
      this.watchTree(root, depth); // watched now, or waited for from a nearer ancestor
      if (this.watchers.has(root)) this.on.trouble(`new directory ${root}`); // files may be in it already
    }
    // Each ancestor watch that no awaited root needs any more (it moved down, or appeared) ends.
    const needed = new Set([...this.awaited.keys()].map(nearestDir));
    for (const [d, w] of this.ancestors) {
      if (needed.has(d)) continue;
      w.close();
      this.ancestors.delete(d);
    }
  }

  private watchDir(dir: string): boolean {
    if (this.watchers.has(dir)) return true;
    let w: FSWatcher;
    try {
      w = this.watchFn(dir, { persistent: false }, (type, name) => this.event(dir, type, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return false;
      const reason =
        code === "ENOSPC"
          ? "the inotify watch limit is reached (fs.inotify.max_user_watches); relying on the reconciler"
          : `cannot watch ${dir}: ${(err as Error).message}`;
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
    for (const w of [...this.watchers.values(), ...this.ancestors.values()]) w.close();
    this.watchers.clear();
    this.ancestors.clear();
    this.awaited.clear();
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, or a file on the way (ENOTDIR), or not ours to look into
  }
}

/** The nearest existing directory above `path`. */
function nearestDir(path: string): string {
  let dir = dirname(path);
  while (!isDir(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * The engine's watcher over the sources' directories (this host's ledger directory excepted: the
 * daemon applies what it writes there itself); trouble of any kind asks for a reconcile pass.
 */
export function watchSources(
  sources: { liveDir: string },
  log: Logger,
  reconcileSecs: number,
  on: { changed: (path: string) => void; reconcile: () => void },
): DirWatcher {
  const own = sources.liveDir;
  return new DirWatcher(
    {
      changed: on.changed,
      trouble: (reason) => {
        log.debug("sync watcher: reconciling", { event: "sync_watch_trouble", reason });
        on.reconcile();
      },
      degraded: (reason) => {
        if (reason) log.warn(`sync watcher: ${reason}; the reconciler covers it (every ${reconcileSecs} s)`, { event: "sync_watch_degraded" });
        else log.info("sync watcher: every directory is watched again", { event: "sync_watch_restored" });
      },
    },
    (dir) => dir === own,
  );
}
