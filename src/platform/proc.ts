// Process identity from /proc, so a pid in a lock file can be told apart from a reused pid.
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";

function readProc(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Changes on every boot; null where /proc does not have it. */
export function bootId(): string | null {
  return readProc("/proc/sys/kernel/random/boot_id")?.trim() ?? null;
}

/** Fields 3.. of /proc/<pid>/stat; comm (field 2) may hold spaces and ')', so split after the last ')'. */
function statFields(pid: number): string[] | null {
  const stat = readProc(`/proc/${pid}/stat`);
  return stat === null ? null : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or null. */
export function processStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/**
 * Parent pid, session id, start time and state (fields 4, 6, 22 and 3 of /proc/<pid>/stat) in one
 * read, or null when it is gone.
 */
export function processLineage(pid: number): { ppid: number; sid: number; startTime: number; state: string } | null {
  const f = statFields(pid);
  return f ? { ppid: Number(f[1]), sid: Number(f[3]), startTime: Number(f[19]), state: f[0]! } : null;
}

/** Every pid in /proc now (empty where there is no /proc). */
export function listPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** The uid owning `pid` (its /proc directory's owner), or null when it is gone. */
export function processUid(pid: number): number | null {
  return statSync(`/proc/${pid}`, { throwIfNoEntry: false })?.uid ?? null;
}

/**
 * The value of one variable in `pid`'s initial environment (/proc/<pid>/environ: readable for a
 * same-uid process), or null. Self-declared by the process: use it only to widen a kill.
 */
export function processEnv(pid: number, name: string): string | null {
  const environ = readProc(`/proc/${pid}/environ`);
  if (environ === null) return null;
  const prefix = `${name}=`;
  for (const entry of environ.split("\0")) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return null;
}

/** Alive and not a zombie: a killed daemon nobody has reaped yet must count as gone. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const state = statFields(pid)?.[0];
  return state !== "Z" && state !== "X";
}

export interface ProcessIdentity {
  pid: number;
  bootId: string | null;
  startTime: string | null;
}

export function processIdentity(pid: number = process.pid): ProcessIdentity {
  return { pid, bootId: bootId(), startTime: processStartTime(pid) };
}

export type IdentityCheck = "alive" | "pid_dead" | "pid_reused" | "rebooted";

/** Whether the process recorded as `recorded` is still the one running under that pid. */
export function checkIdentity(recorded: ProcessIdentity): IdentityCheck {
  const currentBoot = bootId();
  if (recorded.bootId && currentBoot && recorded.bootId !== currentBoot) return "rebooted";
  if (!pidAlive(recorded.pid)) return "pid_dead";
  const start = processStartTime(recorded.pid);
  if (recorded.startTime && start && recorded.startTime !== start) return "pid_reused";
  return "alive";
}

/** What the audit log records of a peer: executable and argv read from /proc, bounded. */
export interface ObservedProcess {
  exe: string | null;
  argv: string[] | null;
}

const MAX_ARGS = 32;
const MAX_ARG_CHARS = 256;
/** Args are kept this long until masked, so a secret straddling MAX_ARG_CHARS is still recognised whole. */
const RAW_ARG_CHARS = 4096;

/** The peer's executable and argv as read (args cut at RAW_ARG_CHARS): not for the record until boundProcess. */
export function readProcess(pid: number): ObservedProcess & { more: number } {
  if (!Number.isInteger(pid) || pid <= 0) return { exe: null, argv: null, more: 0 };
  let exe: string | null = null;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // gone already, or another user's process
  }
  const cmdline = readProc(`/proc/${pid}/cmdline`);
  const args = cmdline === null ? null : cmdline.split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
  const argv = args?.slice(0, MAX_ARGS).map((a) => a.slice(0, RAW_ARG_CHARS)) ?? null;
  return { exe, argv, more: args ? Math.max(0, args.length - MAX_ARGS) : 0 };
}

/**
 * What goes on record of a process read by readProcess: every string through `mask` first (a
 * script may pass a secret on its command line), then each arg cut to MAX_ARG_CHARS.
 */
export function boundProcess(raw: ObservedProcess & { more: number }, mask: (text: string) => string = (t) => t): ObservedProcess {
  const [exe, ...args] = maskEach([raw.exe ?? "", ...(raw.argv ?? [])], mask, true);
  const argv = raw.argv && args.map((a) => (a.length > MAX_ARG_CHARS ? a.slice(0, MAX_ARG_CHARS) + "…" : a));
  if (argv && raw.more > 0) argv.push(`… ${raw.more} more`);
  return { exe: raw.exe === null ? null : exe!, argv };
}

/**
 * Masks several strings as one text, in one pass: joined by NULs (which no arg, secret or token
 * holds); a `commandLine` by tabs, so that it reads as one (`--password X`, `mysql -p X`: a flag
 * and its value are separate args, and the rules expect blanks between them), by NULs when an arg
 * holds a tab. One at a time when a match ran across a separator.
 */
export function maskEach(texts: string[], mask: (text: string) => string, commandLine = false): string[] {
  for (const sep of commandLine && !texts.some((t) => t.includes("\t")) ? ["\t", "\0"] : ["\0"]) {
    const masked = mask(texts.join(sep)).split(sep);
    if (masked.length === texts.length) return masked;
  }
  return texts.map((t) => mask(t));
}

export function observeProcess(pid: number, mask?: (text: string) => string): ObservedProcess {
  return boundProcess(readProcess(pid), mask);
}
