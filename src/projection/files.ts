// File operations on projection databases: integrity checks, swaps with their -wal/-shm, backups.
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import Database from "better-sqlite3";
import { copyFileExclusive } from "../platform/nofollow.js";
import { RpcError } from "../rpc/errors.js";
import { SCHEMA_VERSION } from "./schema.js";

export function removeDb(path: string): void {
  for (const ext of ["", "-wal", "-shm", "-journal"]) rmSync(path + ext, { force: true });
}

/** Moves a database (closed, checkpointed) over another, taking the target's -wal/-shm with it. */
export function replaceDb(from: string, to: string): void {
  for (const ext of ["-wal", "-shm", "-journal"]) rmSync(to + ext, { force: true });
  renameSync(from, to);
  for (const ext of ["-wal", "-shm"]) rmSync(from + ext, { force: true });
}

/**
 * SQLite's quick_check: null when the file is sound, else what it found. Damage shows either as
 * rows other than `ok` (a page that does not parse) or as SQLITE_CORRUPT thrown: both count.
 */
export function quickCheckProblems(db: Database.Database): string | null {
  const rows = db.pragma("quick_check") as Array<{ quick_check: string }>;
  if (rows.length === 1 && rows[0]!.quick_check === "ok") return null;
  return (
    rows
      .slice(0, 3)
      .map((r) => r.quick_check.replace(/\s+/g, " "))
      .join("; ") || "quick_check returned nothing"
  );
}

/** integrity_check and schema version of a database file; throws projection_corrupt naming it. */
export function checkDbFile(path: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const result = db.pragma("integrity_check", { simple: true });
    if (result !== "ok") throw new Error(String(result));
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version !== SCHEMA_VERSION) throw new Error(`schema version ${version}, expected ${SCHEMA_VERSION}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "SQLITE_CANTOPEN") throw new RpcError("not_found", `no database at ${path}`, { path });
    throw new RpcError("projection_corrupt", `${path} is not a sound projection: ${(err as Error).message}`, { path });
  } finally {
    db?.close();
  }
}

/** Copies a backup into place as `to` (via a temporary name, so a crash leaves the old one). */
export function installCopy(from: string, to: string): void {
  const tmp = `${to}.restore-tmp`;
  removeDb(tmp); // a leftover (or a link: rm removes the link itself); the copy then creates it O_EXCL
  copyFileExclusive(from, tmp);
  replaceDb(tmp, to);
}

export function backupName(dir: string, now = new Date()): string {
  return join(dir, `projection-${now.toISOString().replace(/[:.]/g, "-")}.sqlite`);
}

export function listBackupFiles(dir: string): Array<{ file: string; bytes: number; createdAt: string }> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^projection-.*\.sqlite$/.test(n));
  } catch {
    return [];
  }
  return names
    .map((n) => {
      const st = statSync(join(dir, n));
      return { file: join(dir, n), bytes: st.size, createdAt: st.mtime.toISOString() };
    })
    .sort((a, b) => (basename(b.file) < basename(a.file) ? -1 : 1));
}
