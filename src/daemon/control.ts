// Starting, stopping and describing a daemon process from outside it: used by `warden daemon
// start|stop|restart|status` and by doctor's repairs. Works with no daemon running.
import { spawn } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ResultOf } from "../../protocol/index.js";
import { WardenError } from "../errors.js";
import { packageRoot } from "../package-info.js";
import { callOnce } from "../rpc/client.js";
import { inspectLock, type LockOwner, type LockState } from "./lock.js";
import { readMetadata, type DaemonMetadata } from "./metadata.js";
import { resolvePaths, type WardenPaths } from "./paths.js";
import { ensurePrivateDir } from "./secure-dir.js";

/** How long a diagnosing call waits for a daemon before calling it unresponsive. */
export const PROBE = { connectTimeoutMs: 3000, callTimeoutMs: 3000 };

export type DaemonState = "running" | "unresponsive" | "stopped" | "stale" | "conflict";

export interface DaemonStatusReport {
  state: DaemonState;
  lock: LockState;
  metadata: DaemonMetadata | null;
  /** The daemon's own status reply, when it answered. */
  status: ResultOf<"status"> | null;
  paths: WardenPaths;
}

export async function describeDaemon(env: NodeJS.ProcessEnv = process.env): Promise<DaemonStatusReport> {
  const paths = resolvePaths(env);
  const lock = inspectLock(paths.lock, paths.host);
  const metadata = readMetadata(paths.metadata);
  let status: ResultOf<"status"> | null = null;
  if (lock.state === "running") {
    status = await callOnce(metadata?.socket ?? paths.socket, "status", {}, PROBE).catch(() => null);
  }
  const state: DaemonState =
    lock.state === "running" ? (status ? "running" : "unresponsive") : lock.state === "absent" ? "stopped" : lock.state;
  return { state, lock, metadata, status, paths };
}

type ChildMessage = { type: "ready"; pid: number; socket: string } | { type: "error"; error: { kind: string; message: string } };

/**
 * Spawns `warden daemon run` in its own session (setsid), stderr appended to daemon.log, and waits
 * for it to report ready over an IPC channel that it then closes. Resolves with the daemon's pid.
 */
export async function spawnDaemon(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ pid: number; socket: string }> {
  const paths = resolvePaths(env);
  // Same checks the daemon makes; done here too so its stderr has a private place to go.
  ensurePrivateDir(paths.home, { tighten: false });
  ensurePrivateDir(join(paths.home, "run"), { tighten: true });
  ensurePrivateDir(paths.runRoot, { tighten: true });
  const logFd = openSync(paths.log, "a", 0o600);
  const child = spawn(process.execPath, [join(packageRoot(), "bin", "warden.js"), "daemon", "run", "--quiet"], {
    detached: true,
    stdio: ["ignore", "ignore", logFd, "ipc"],
    env,
  });
  closeSync(logFd);
  try {
    return await new Promise((resolve, reject) => {
      let failure: WardenError | null = null;
      const timer = setTimeout(() => {
        child.kill("SIGTERM");
        reject(new WardenError("timeout", `the daemon did not report ready within ${timeoutMs} ms; see ${paths.log}`, { log: paths.log }));
      }, timeoutMs);
      child.on("message", (msg: ChildMessage) => {
        if (msg.type === "ready") {
          clearTimeout(timer);
          resolve({ pid: msg.pid, socket: msg.socket });
        } else {
          failure = new WardenError(msg.error.kind as WardenError["kind"], msg.error.message, { ...msg.error, log: paths.log });
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(failure ?? new WardenError("start_failed", `the daemon exited during start (${signal ?? `code ${code}`}); see ${paths.log}`, { log: paths.log }));
      });
    });
  } finally {
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
  }
}

/**
 * Asks the daemon to stop (RPC, then SIGTERM to the verified pid) and waits until its lock is gone.
 * With `force`, a daemon still alive after `timeoutMs` is SIGKILLed and its runtime files removed.
 */
export async function stopDaemon(env: NodeJS.ProcessEnv, timeoutMs: number, force = false): Promise<{ pid: number; how: "rpc" | "sigterm" | "sigkill" }> {
  const report = await describeDaemon(env);
  if (report.lock.state !== "running") throw new WardenError("unavailable", "the daemon is not running", { state: report.state });
  const owner = report.lock.owner;
  let how: "rpc" | "sigterm" | "sigkill" = "rpc";
  try {
    await callOnce(report.metadata?.socket ?? report.paths.socket, "shutdown", { reason: "warden daemon stop" }, PROBE);
  } catch {
    how = "sigterm";
    process.kill(owner.pid, "SIGTERM");
  }
  if (await waitForExit(report.paths, owner, timeoutMs)) return { pid: owner.pid, how };
  if (!force) throw new WardenError("timeout", `pid ${owner.pid} did not stop within ${timeoutMs} ms (--force kills it)`, { pid: owner.pid });
  process.kill(owner.pid, "SIGKILL");
  if (!(await waitForExit(report.paths, owner, 5000))) throw new WardenError("timeout", `pid ${owner.pid} survived SIGKILL`, { pid: owner.pid });
  for (const path of [report.paths.socket, report.paths.lock, report.paths.metadata]) rmSync(path, { force: true });
  return { pid: owner.pid, how: "sigkill" };
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
