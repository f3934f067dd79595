// One daemon per run root. The kernel enforces it (flock on daemon.lock, released even on SIGKILL);
// the lock file's content says who holds it, so a reader can tell a live daemon from a stale lock
// (pid gone, pid reused, host rebooted) and from a host conflict (the file came from another
// machine through file sync: run/ is being synced and must not be).
import { closeSync, constants, fstatSync, ftruncateSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { WardenError } from "../errors.js";
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

export interface HeldLock {
  owner: LockOwner;
  /** The stale lock this daemon took over, if there was one. */
  replaced: LockState | null;
  release(): void;
}

/** Takes the daemon lock or throws `already_running` / `host_conflict`. Replaces a stale lock. */
export function acquireLock(lockPath: string, host: string, version: string): HeldLock {
  for (let attempt = 0; ; attempt++) {
    const fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    if (!native().tryFlock(fd, true)) {
      closeSync(fd);
      const holder = inspectLock(lockPath, host);
      const pid = holder.state === "running" || holder.state === "conflict" ? holder.owner.pid : undefined;
      throw new WardenError("already_running", `another warden daemon holds ${lockPath}${pid ? ` (pid ${pid})` : ""}`, { pid, lock: lockPath });
    }
    // The file may have been unlinked by a daemon that stopped between our open and our flock.
    if (fstatSync(fd).ino !== statOrNull(lockPath)?.ino) {
      closeSync(fd);
      if (attempt < 5) continue;
      throw new WardenError("already_running", `${lockPath} keeps changing under us; is another daemon starting?`, { lock: lockPath });
    }
    const previous = inspectLock(lockPath, host);
    if (previous.state === "conflict") {
      closeSync(fd);
      throw new WardenError("host_conflict", `refusing to start: ${conflictMessage(previous.owner, host, lockPath)}`, {
        lock: lockPath,
        lockHost: previous.owner.host,
        host,
      });
    }
    const owner: LockOwner = { ...processIdentity(), host, startedAt: new Date().toISOString(), version };
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify(owner) + "\n", 0);
    fsyncSync(fd);
    let released = false;
    return {
      owner,
      replaced: previous.state === "absent" ? null : previous,
      release() {
        if (released) return;
        released = true;
        // Unlink while still holding the flock, so no second daemon can lock the dying inode.
        try {
          unlinkSync(lockPath);
        } finally {
          closeSync(fd);
        }
      },
    };
  }
}

function statOrNull(path: string): { ino: number } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
