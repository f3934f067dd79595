// One daemon per run root. The kernel enforces it (flock on daemon.lock, released even on SIGKILL);
// the lock file's content says who holds it, so a reader can tell a live daemon from a stale lock
// (pid gone, pid reused, host rebooted) and from a host conflict (the file came from another
// machine through file sync: run/ is being synced and must not be).
import { closeSync, constants, fstatSync, ftruncateSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { WardenError } from "./errors.js";
import { native } from "./native.js";
import { checkIdentity, processIdentity, type IdentityCheck, type ProcessIdentity } from "./proc.js";

export interface LockOwner extends ProcessIdentity {
  host: string;
  startedAt: string;
  version: string;
}

export type LockState =
  | { state: "absent" }
  | { state: "running"; owner: LockOwner }
  | { state: "stale"; owner: LockOwner | null; reason: Exclude<IdentityCheck, "alive"> | "unreadable" }
  | { state: "conflict"; owner: LockOwner };

function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid !== "number" || typeof o.host !== "string") return null;
    return {
      pid: o.pid,
      host: o.host,
      bootId: o.bootId ?? null,
      startTime: o.startTime ?? null,
      startedAt: o.startedAt ?? "",
      version: o.version ?? "",
    };
  } catch {
    return null;
  }
}

/** "absent" also for an empty file: a daemon between creating and writing it, or one that died there. */
export function readLockOwner(lockPath: string): LockOwner | null | "absent" {
  try {
    const text = readFileSync(lockPath, "utf8");
    return text.trim() === "" ? "absent" : parseOwner(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw err;
  }
}

/** Read-only: judges the lock by its content (never takes the flock, so it cannot race a start). */
export function inspectLock(lockPath: string, host: string): LockState {
  const owner = readLockOwner(lockPath);
  if (owner === "absent") return { state: "absent" };
  if (owner === null) return { state: "stale", owner: null, reason: "unreadable" };
  if (owner.host !== host) return { state: "conflict", owner };
  const check = checkIdentity(owner);
  return check === "alive" ? { state: "running", owner } : { state: "stale", owner, reason: check };
}

export function conflictMessage(owner: LockOwner, host: string, lockPath: string): string {
  return (
    `${lockPath} was written by host "${owner.host}" (pid ${owner.pid}), but this host is "${host}". ` +
    `The run root is being shared between machines: exclude $WARDEN_HOME/run/ from file sync, then remove the copied lock by hand.`
  );
}

/** An flock held on the lock file; `release` unlinks the file first when asked to and it is still ours. */
interface Flock {
  fd: number;
  release(unlink: boolean): void;
}

/**
 * Opens (creating if needed) and flocks the lock file without blocking. Null when another open
 * file holds it. Retries when the file is swapped between open and flock, so the flock taken is
 * always on the inode at the path.
 */
function flockPath(lockPath: string): Flock | null {
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ELOOP") throw err;
      throw new WardenError("unsafe_path", `refusing to use ${lockPath}: it is a symlink`, { path: lockPath });
    }
    if (!tryFlockWhileDying(fd, lockPath)) {
      closeSync(fd);
      return null;
    }
    const ino = fstatSync(fd).ino;
    if (ino !== statOrNull(lockPath)?.ino) {
      closeSync(fd); // unlinked by a daemon that stopped between our open and our flock
      continue;
    }
    return {
      fd,
      release(unlink) {
        // Unlink while still holding the flock, and only our own inode: never another daemon's.
        try {
          if (unlink && statOrNull(lockPath)?.ino === ino) unlinkSync(lockPath);
        } finally {
          closeSync(fd);
        }
      },
    };
  }
  throw new WardenError("already_running", `${lockPath} keeps changing under us; is another daemon starting?`, { lock: lockPath });
}

/**
 * flock, waiting up to 2 s while the file names a dead owner: a killed process is a zombie before
 * its other threads have exited and the kernel has dropped its flock.
 */
function tryFlockWhileDying(fd: number, lockPath: string): boolean {
  const deadline = Date.now() + 2000;
  for (;;) {
    if (native().tryFlock(fd, true)) return true;
    const owner = readLockOwner(lockPath);
    const dying = owner !== null && owner !== "absent" && checkIdentity(owner) !== "alive";
    if (!dying || Date.now() > deadline) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // a short synchronous pause
  }
}

function heldBy(lockPath: string, host: string): WardenError {
  const holder = inspectLock(lockPath, host);
  const pid = holder.state === "running" || holder.state === "conflict" ? holder.owner.pid : undefined;
  return new WardenError("already_running", `another warden daemon holds ${lockPath}${pid ? ` (pid ${pid})` : ""}`, { pid, lock: lockPath });
}

export interface HeldLock {
  owner: LockOwner;
  /** The stale lock this daemon took over, if there was one. */
  replaced: LockState | null;
  release(): void;
}

/** Takes the daemon lock or throws `already_running` / `host_conflict`. Replaces a stale lock. */
export function acquireLock(lockPath: string, host: string, version: string): HeldLock {
  const lock = flockPath(lockPath);
  if (!lock) throw heldBy(lockPath, host);
  const previous = inspectLock(lockPath, host);
  if (previous.state === "conflict" || previous.state === "running") {
    lock.release(false);
    if (previous.state === "running") {
      // Nobody holds the flock, yet the file names a live daemon: its lock file was removed and
      // recreated behind its back. Two daemons must never share a run root, so refuse.
      throw new WardenError("already_running", `${lockPath} names live pid ${previous.owner.pid}; refusing to start a second daemon`, {
        pid: previous.owner.pid,
        lock: lockPath,
      });
    }
    throw new WardenError("host_conflict", `refusing to start: ${conflictMessage(previous.owner, host, lockPath)}`, {
      lock: lockPath,
      lockHost: previous.owner.host,
      host,
    });
  }
  const owner: LockOwner = { ...processIdentity(), host, startedAt: new Date().toISOString(), version };
  ftruncateSync(lock.fd, 0);
  writeSync(lock.fd, JSON.stringify(owner) + "\n", 0);
  fsyncSync(lock.fd);
  let released = false;
  return {
    owner,
    replaced: previous.state === "absent" ? null : previous,
    release() {
      if (released) return;
      released = true;
      lock.release(true);
    },
  };
}

/**
 * Runs `fn` while holding the daemon lock, so no daemon can start or be running meanwhile: for
 * repairs that remove a dead daemon's files. Throws `already_running` when a daemon holds it. The
 * lock file is removed afterwards when `fn` returns true or when it was empty (made by us).
 */
export function withLockHeld<T>(lockPath: string, host: string, fn: (state: LockState) => { result: T; removeLock: boolean }): T {
  const lock = flockPath(lockPath);
  if (!lock) throw heldBy(lockPath, host);
  const state = inspectLock(lockPath, host);
  let removeLock = state.state === "absent";
  try {
    const out = fn(state);
    removeLock ||= out.removeLock;
    return out.result;
  } finally {
    lock.release(removeLock);
  }
}

function statOrNull(path: string): { ino: number } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
