// Every file the daemon writes is opened with O_NOFOLLOW: a symlink planted at one of its paths
// (daemon.log, the audit log, a ledger file, ...) would otherwise make it write wherever the link
// points. The directories above are checked at start (secure-dir.ts); this covers the last
// component. A refusal is `unsafe_path` naming the path, never a write through the link.
import { closeSync, constants, copyFileSync, lstatSync, openSync, writeSync } from "node:fs";
import { WardenError } from "./errors.js";

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_APPEND, O_TRUNC, O_EXCL, O_NOFOLLOW } = constants;
const FLAGS = {
  r: O_RDONLY,
  "r+": O_RDWR,
  a: O_WRONLY | O_CREAT | O_APPEND,
  "a+": O_RDWR | O_CREAT | O_APPEND,
  w: O_WRONLY | O_CREAT | O_TRUNC,
  wx: O_WRONLY | O_CREAT | O_EXCL,
} as const;

export function symlinkRefused(path: string): WardenError {
  return new WardenError("unsafe_path", `${path} is a symlink; warden does not write through one (remove it)`, { path });
}

/** openSync with O_NOFOLLOW added; a symlink at `path` throws `unsafe_path`. */
export function openNoFollow(path: string, flags: keyof typeof FLAGS, mode = 0o600): number {
  try {
    return openSync(path, FLAGS[flags] | O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") throw symlinkRefused(path);
    throw err;
  }
}

/** writeFileSync (create or truncate) that never writes through a symlink at `path`. */
export function writeFileNoFollow(path: string, data: string | Buffer, mode = 0o600): void {
  const fd = openNoFollow(path, "w", mode);
  try {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
  } finally {
    closeSync(fd);
  }
}

/**
 * For files opened by a library that takes a path (SQLite): refuses a symlink at `path` before
 * the open. A link planted between this check and the open is not caught; the run root is 0700
 * and checked at start, so only this user could plant it.
 */
export function refuseSymlink(path: string): void {
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) throw symlinkRefused(path);
}

/** copyFileSync to a destination that must not exist (O_EXCL: a symlink there is not followed). */
export function copyFileExclusive(from: string, to: string): void {
  try {
    copyFileSync(from, to, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST" && lstatSync(to, { throwIfNoEntry: false })?.isSymbolicLink()) throw symlinkRefused(to);
    throw err;
  }
}
