// Starting, stopping and describing a daemon process from outside it: used by `warden daemon
// start|stop|restart|status` and by doctor's repairs. Works with no daemon running.
import { spawn } from "node:child_process";
import { closeSync } from "node:fs";
import { join } from "node:path";
import type { ResultOf } from "../../protocol/index.js";
import { WardenError } from "../platform/errors.js";
import { openNoFollow } from "../platform/nofollow.js";
import { packageRoot } from "../platform/package-info.js";
import { userUmask } from "../platform/umask.js";
import { callOnce, RemoteError } from "../rpc/client.js";
import { loadConfig } from "../platform/config.js";
import { inspectLock, type LockOwner, type LockState } from "../platform/lock.js";
import { resolvePaths, type WardenPaths } from "../platform/paths.js";
import { ensureHome, ensureRunRoot } from "../platform/secure-dir.js";
import { removeStaleLock, removeStaleSocket } from "./stale-files.js";

/** How long a diagnosing call waits for a daemon before calling it unresponsive. */
export const PROBE = { connectTimeoutMs: 3000, callTimeoutMs: 3000 };

export type DaemonState = "running" | "unresponsive" | "stopped" | "stale" | "conflict";

export interface DaemonStatusReport {
  state: DaemonState;
  lock: LockState;
  /** The daemon's own status reply, when it answered. */
  status: ResultOf<"status"> | null;
  paths: WardenPaths;
}

export async function describeDaemon(env: NodeJS.ProcessEnv = process.env): Promise<DaemonStatusReport> {
  const paths = resolvePaths(env);
  const lock = inspectLock(paths.lock, paths.host);
  let status: ResultOf<"status"> | null = null;
  if (lock.state === "running") {
    status = await callOnce(paths.socket, "status", {}, PROBE).catch(() => null);
  }
  const state: DaemonState = lock.state === "running" ? (status ? "running" : "unresponsive") : lock.state === "absent" ? "stopped" : lock.state;
  return { state, lock, status, paths };
}

type ChildMessage = { type: "ready"; pid: number; socket: string } | { type: "error"; error: { kind: string; message: string } };

/**
 * Spawns `warden daemon run` in its own session (setsid), stderr appended to daemon.log, and waits
 * for it to report ready over an IPC channel that it then closes. Resolves with the daemon's pid.
 */
export async function spawnDaemon(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ pid: number; socket: string }> {
  const paths = resolvePaths(env);
  // Same checks the daemon makes; done here too so its stderr has a private place to go.
  ensureHome(paths);
  ensureRunRoot(paths);
  const logFd = openNoFollow(paths.log, "a");
  // cwd "/" so the daemon pins no mount; WARDEN_HOME made absolute so it means the same there.
  const child = spawn(process.execPath, [join(packageRoot(), "bin", "warden.js"), "daemon", "run", "--quiet"], {
    detached: true,
    cwd: "/",
    stdio: ["ignore", "ignore", logFd, "ipc"],
    env: { ...env, WARDEN_HOME: paths.home, WARDEN_USER_UMASK: userUmask.toString(8) },
  });
  closeSync(logFd);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGTERM");
        reject(new WardenError("timeout", `the daemon did not report ready within ${timeoutMs} ms; see ${paths.log}`, { log: paths.log }));
      }, timeoutMs);
      child.on("message", (msg: ChildMessage) => {
        clearTimeout(timer);
        if (msg.type === "ready") return resolve({ pid: msg.pid, socket: msg.socket });
        reject(new WardenError(msg.error.kind as WardenError["kind"], msg.error.message, { ...msg.error, log: paths.log }));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new WardenError("start_failed", `the daemon exited during start (${signal ?? `code ${code}`}); see ${paths.log}`, { log: paths.log }));
      });
    });
  } finally {
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
  }
}

/** Throws `config_invalid` (naming the field) when config.json would keep a daemon from starting. */
export function checkConfig(env: NodeJS.ProcessEnv = process.env): void {
  loadConfig(resolvePaths(env).config);
}

/**
 * Asks the daemon to stop (RPC, then SIGTERM to the verified pid) and waits until its lock is gone.
 * With live sessions the daemon refuses (`sessions_running`, thrown as its RemoteError) unless
 * `killSessions`. With `force`, a daemon still alive after `timeoutMs` is SIGKILLed and its
 * runtime files removed.
 */
export async function stopDaemon(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  opts: { force?: boolean; killSessions?: boolean; reason?: string } = {},
): Promise<{ pid: number; how: "rpc" | "sigterm" | "sigkill" }> {
  const force = opts.force ?? false;
  const report = await describeDaemon(env);
  if (report.lock.state !== "running") throw new WardenError("unavailable", "the daemon is not running", { state: report.state });
  const owner = report.lock.owner;
  let how: "rpc" | "sigterm" | "sigkill" = "rpc";
  const reason = opts.reason ?? "warden daemon stop";
  try {
    // killSessions only when set: a daemon older than it (an upgrade's restart) rejects the key, and always killed them anyway.
    await callOnce(report.paths.socket, "shutdown", opts.killSessions ? { reason, killSessions: true } : { reason }, PROBE).catch((err: unknown) => {
      if (opts.killSessions && err instanceof RemoteError && err.kind === "invalid_params") return callOnce(report.paths.socket, "shutdown", { reason }, PROBE);
      throw err;
    });
  } catch (err) {
    if (err instanceof RemoteError) throw err; // the daemon answered: a refusal (live sessions) stands
    // No answer: SIGTERM. A daemon this stuck cannot say which sessions it runs; it stops them as on `killSessions`.
    how = "sigterm";
    signal(owner.pid, "SIGTERM");
  }
  if (await waitForExit(report.paths, owner, timeoutMs)) return { pid: owner.pid, how };
  if (!force) throw new WardenError("timeout", `pid ${owner.pid} did not stop within ${timeoutMs} ms (--force kills it)`, { pid: owner.pid });
  signal(owner.pid, "SIGKILL");
  if (!(await waitForExit(report.paths, owner, 5000))) throw new WardenError("timeout", `pid ${owner.pid} survived SIGKILL`, { pid: owner.pid });
  removeStaleSocket(report.paths);
  removeStaleLock(report.paths);
  return { pid: owner.pid, how: "sigkill" };
}

/** A pid that has exited meanwhile (ESRCH) is what we wanted anyway. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

async function waitForExit(paths: WardenPaths, owner: LockOwner, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lock = inspectLock(paths.lock, paths.host);
    if (lock.state !== "running" || lock.owner.pid !== owner.pid) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
