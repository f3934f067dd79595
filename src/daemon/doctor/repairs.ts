// The repairs doctor may apply by itself: runtime_only ones, touching run/<host> and nothing else.
// A host conflict or anything in WARDEN_HOME proper is never repaired here.
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { spawnDaemon } from "../control.js";
import type { WardenPaths } from "../paths.js";
import { inspectPath } from "../secure-dir.js";
import { removeStaleLock, removeStaleSocket } from "../stale-files.js";
import type { RepairAction, RepairId } from "./types.js";

export interface RepairOutcome {
  id: RepairId;
  ok: boolean;
  message: string;
}

type Repair = (paths: WardenPaths, env: NodeJS.ProcessEnv) => Promise<string> | string;

const repairs: Partial<Record<RepairId, Repair>> = {
  remove_stale_socket: removeStaleSocket,
  remove_stale_lock: removeStaleLock,
  chmod_run_root(paths) {
    for (const dir of [join(paths.home, "run"), paths.runRoot]) if (inspectPath(dir).kind === "directory") chmodSync(dir, 0o700);
    return `chmod 700 ${paths.runRoot}`;
  },
  chmod_socket(paths) {
    chmodSync(paths.socket, 0o600);
    return `chmod 600 ${paths.socket}`;
  },
  async start_daemon(_paths, env) {
    const { pid, socket } = await spawnDaemon(env, 10_000);
    return `started pid ${pid} on ${socket}`;
  },
};

/** Order matters: clear stale files before starting a daemon over them. */
const order: RepairId[] = ["remove_stale_socket", "remove_stale_lock", "chmod_run_root", "chmod_socket", "start_daemon"];

export async function applyRepairs(actions: RepairAction[], only: RepairId[] | null, paths: WardenPaths, env: NodeJS.ProcessEnv): Promise<RepairOutcome[]> {
  const wanted = new Set(actions.filter((a) => a.risk === "runtime_only" && (!only || only.includes(a.id))).map((a) => a.id));
  const outcomes: RepairOutcome[] = [];
  for (const id of order) {
    const repair = repairs[id];
    if (!wanted.has(id) || !repair) continue;
    try {
      outcomes.push({ id, ok: true, message: await repair(paths, env) });
    } catch (err) {
      outcomes.push({ id, ok: false, message: (err as Error).message });
    }
  }
  return outcomes;
}
