// daemon.json: what a client needs to find and describe the running daemon. Written atomically
// (temp file + rename) so a reader never sees half of it.
import { renameSync, unlinkSync } from "node:fs";
import { writeFileNoFollow } from "../platform/nofollow.js";
import type { LockOwner } from "../platform/lock.js";

export interface DaemonMetadata extends LockOwner {
  socket: string;
  agentSocket: string | null;
  home: string;
  runRoot: string;
  log: string;
}

export function writeMetadata(path: string, meta: DaemonMetadata): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileNoFollow(tmp, JSON.stringify(meta, null, 2) + "\n"); // rename then replaces a link at `path` itself
  renameSync(tmp, path);
}

export function removeMetadata(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
