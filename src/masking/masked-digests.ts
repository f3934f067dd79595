// The daemon's key (private/<host>/daemon.key) and the keyed digests of every value it ever masked
// (run/<host>/masked-digests, one `<length> <hex digest> <tag>` per line, appended). The key never
// leaves this host; the digest file is useless without it. Both are opened with O_NOFOLLOW: a
// symlink in their place is refused, never followed.
import { closeSync, fstatSync, fsyncSync, readFileSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { WardenError } from "../platform/errors.js";
import { openNoFollow } from "../platform/nofollow.js";
import { DAEMON_KEY_BYTES, type DigestEntry } from "./known-digests.js";
import { sodium } from "../platform/sodium.js";
import type { WardenPaths } from "../platform/paths.js";
import { ensurePrivateDir } from "../platform/secure-dir.js";

/** Reads the daemon key, creating it (32 random bytes, 0600, in a 0700 private/<host>) when missing. */
export function loadDaemonKey(paths: WardenPaths): Buffer {
  ensurePrivateDir(join(paths.home, "private"), { tighten: true });
  ensurePrivateDir(paths.privateDir, { tighten: true });
  let fd: number;
  try {
    fd = openNoFollow(paths.daemonKey, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return createKey(paths.daemonKey);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid!() || (st.mode & 0o077) !== 0) {
      throw new WardenError("unsafe_path", `refusing to start: ${paths.daemonKey} must be a regular file of this user, mode 0600`, { path: paths.daemonKey });
    }
    const key = Buffer.alloc(DAEMON_KEY_BYTES);
    if (readSync(fd, key, 0, DAEMON_KEY_BYTES, 0) !== DAEMON_KEY_BYTES || st.size !== DAEMON_KEY_BYTES) {
      throw new WardenError("unsafe_path", `refusing to start: ${paths.daemonKey} is not a ${DAEMON_KEY_BYTES}-byte key`, { path: paths.daemonKey });
    }
    return key;
  } finally {
    closeSync(fd);
  }
}

/** The daemon key if there is one (offline operations never create it), else null. */
export function readDaemonKey(paths: WardenPaths): Buffer | null {
  let fd: number;
  try {
    fd = openNoFollow(paths.daemonKey, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const key = Buffer.alloc(DAEMON_KEY_BYTES);
    return readSync(fd, key, 0, DAEMON_KEY_BYTES, 0) === DAEMON_KEY_BYTES ? key : null;
  } finally {
    closeSync(fd);
  }
}

function createKey(path: string): Buffer {
  const key = Buffer.alloc(DAEMON_KEY_BYTES);
  sodium().randombytes_buf(key);
  const fd = openNoFollow(path, "wx");
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return key;
}

/** The digests recorded so far (a torn last line is ignored). */
export function readDigests(path: string): DigestEntry[] {
  let text: string;
  try {
    const fd = openNoFollow(path, "r");
    try {
      text = readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: DigestEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d{1,4}) ([0-9a-f]{32}) (\d{1,4})$/.exec(line);
    if (m) out.push([Number(m[1]), m[2]!, Number(m[3]) & 0xfff]);
  }
  return out;
}

/** Appends new digests (fsynced: a value once masked must stay masked after a crash). */
export function appendDigests(path: string, entries: readonly DigestEntry[]): void {
  if (entries.length === 0) return;
  const fd = openNoFollow(path, "a");
  try {
    writeSync(fd, entries.map(([n, d, t]) => `${n} ${d} ${t}\n`).join(""));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
