// Private directories: created 0700, and refused when a symlink, not a directory, or owned by
// another uid. Shared by the daemon (refuse to start) and doctor (report and name the repair).
import { chmodSync, lstatSync, mkdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import { WardenError } from "./errors.js";
import type { WardenPaths } from "./paths.js";

export type PathKind = "missing" | "directory" | "symlink" | "socket" | "file" | "other";

export interface PathInfo {
  path: string;
  kind: PathKind;
  uid?: number;
  /** Permission bits only (mode & 0o7777). */
  mode?: number;
}

function kindOf(st: Stats): PathKind {
  if (st.isSymbolicLink()) return "symlink";
  if (st.isDirectory()) return "directory";
  if (st.isSocket()) return "socket";
  if (st.isFile()) return "file";
  return "other";
}

export function inspectPath(path: string): PathInfo {
  try {
    const st = lstatSync(path);
    return { path, kind: kindOf(st), uid: st.uid, mode: st.mode & 0o7777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { path, kind: "missing" };
    throw err;
  }
}

export const octal = (mode: number | undefined): string => (mode === undefined ? "?" : "0" + mode.toString(8).padStart(3, "0"));

/** Why `info` is unsafe as a private directory of this uid, or null when it is fine. */
export function dirProblem(info: PathInfo, uid: number = process.getuid!()): string | null {
  if (info.kind === "symlink") return `${info.path} is a symlink; warden needs a real directory there`;
  if (info.kind !== "directory") return `${info.path} is a ${info.kind}, not a directory`;
  if (info.uid !== uid) return `${info.path} is owned by uid ${info.uid}, not by this user (uid ${uid})`;
  return null;
}

/**
 * Creates `path` 0700 if missing; refuses a symlink, a non-directory or a foreign owner.
 * `tighten`: chmod a too-open directory to 0700 (runtime dirs warden owns outright); otherwise a
 * group- or world-writable directory is refused and a merely readable one is reported to `warn`.
 */
export function ensurePrivateDir(path: string, opts: { tighten: boolean; warn?: (msg: string) => void }): void {
  let info = inspectPath(path);
  if (info.kind === "missing") {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
    info = inspectPath(path);
  }
  const problem = dirProblem(info);
  // What was found, for callers and tests to branch on (the message is for people).
  const found = { path, found: info.kind, owner: info.uid, mode: octal(info.mode) };
  if (problem) throw new WardenError("unsafe_path", `refusing to start: ${problem}`, found);
  const open = (info.mode ?? 0) & 0o077;
  if (open === 0) return;
  if (opts.tighten) chmodSync(path, 0o700);
  else if (open & 0o022) {
    throw new WardenError("unsafe_path", `refusing to start: ${path} is mode ${octal(info.mode)}; others can write to it (chmod 700 ${path})`, found);
  } else opts.warn?.(`${path} is mode ${octal(info.mode)}; chmod 700 ${path} keeps other users out`);
}

/** WARDEN_HOME: created 0700 when missing; never chmodded (it is the user's), only checked. */
export function ensureHome(paths: WardenPaths, warn?: (msg: string) => void): void {
  ensurePrivateDir(paths.home, { tighten: false, warn });
}

/** run/ and run/<host>: warden's own runtime directories, so kept at 0700 outright. */
export function ensureRunRoot(paths: WardenPaths): void {
  ensurePrivateDir(join(paths.home, "run"), { tighten: true });
  ensurePrivateDir(paths.runRoot, { tighten: true });
}
