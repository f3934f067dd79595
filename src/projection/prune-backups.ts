// Removing projection backups (run/<host>/backups/): 148 MB each on a big history, and, taken before
// history was masked anew, holding values now known to be secret. Plain file operations on the
// run root, so they work with or without a daemon.
import { listBackupFiles, removeDb } from "./files.js";

export interface BackupFile {
  file: string;
  bytes: number;
  createdAt: string;
}

export interface PruneResult {
  removed: BackupFile[];
  kept: BackupFile[];
  freedBytes: number;
  dryRun: boolean;
}

/**
 * Removes every backup that is neither among the `keep` newest nor younger than `olderThanMs`
 * (each criterion applies when given), or only those created before `before`.
 */
export function pruneBackups(dir: string, opts: { keep?: number; olderThanMs?: number; before?: Date; dryRun?: boolean; now?: number }): PruneResult {
  const all = listBackupFiles(dir); // newest first
  const now = opts.now ?? Date.now();
  const removed: BackupFile[] = [];
  const kept: BackupFile[] = [];
  all.forEach((b, i) => {
    const at = Date.parse(b.createdAt);
    const go =
      (opts.keep === undefined || i >= opts.keep) &&
      (opts.olderThanMs === undefined || now - at > opts.olderThanMs) &&
      (opts.before === undefined || at < opts.before.getTime());
    (go ? removed : kept).push(b);
  });
  if (!opts.dryRun) for (const b of removed) removeDb(b.file);
  return { removed, kept, freedBytes: removed.reduce((n, b) => n + b.bytes, 0), dryRun: opts.dryRun ?? false };
}

/** Backups made before `at` (ISO): those a rewrite of history has not reached. */
export function backupsBefore(dir: string, at: string): BackupFile[] {
  const t = Date.parse(at);
  return listBackupFiles(dir).filter((b) => Date.parse(b.createdAt) < t);
}
