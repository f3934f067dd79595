// Removing what a dead daemon left behind. Every removal happens while holding the daemon lock's
// flock, so it can never hit the files of a daemon that is running or starting.
import { unlinkSync } from "node:fs";
import { withLockHeld } from "../platform/lock.js";
import { removeMetadata } from "./metadata.js";
import type { WardenPaths } from "../platform/paths.js";
import { inspectPath } from "../platform/secure-dir.js";

export function removeStaleSocket(paths: WardenPaths): string {
  return withLockHeld(paths.lock, paths.host, () => {
    if (inspectPath(paths.socket).kind !== "socket") return { result: "nothing to remove", removeLock: false };
    unlinkSync(paths.socket);
    return { result: `removed ${paths.socket}`, removeLock: false };
  });
}

/** Removes a stale lock and daemon.json; refuses a host conflict or a lock naming a live process. */
export function removeStaleLock(paths: WardenPaths): string {
  return withLockHeld(paths.lock, paths.host, (state) => {
    if (state.state === "absent") return { result: "no lock to remove", removeLock: true };
    if (state.state !== "stale") throw new Error(`the lock is ${state.state}, not stale; left alone`);
    removeMetadata(paths.metadata);
    return { result: `removed ${paths.lock} and ${paths.metadata}`, removeLock: true };
  });
}
