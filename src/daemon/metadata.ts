// daemon.json: what a client needs to find and describe the running daemon. Written atomically
// (temp file + rename) so a reader never sees half of it.
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import type { LockOwner } from "./lock.js";

export interface DaemonMetadata extends LockOwner {
  socket: string;
  agentSocket: string | null;
  home: string;
  runRoot: string;
  log: string;
}

export function writeMetadata(path: string, meta: DaemonMetadata): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(meta, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}

export function removeMetadata(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
