// The repairs doctor may apply by itself: runtime_only ones, touching run/<host> and nothing else.
// A host conflict or anything in WARDEN_HOME proper is never repaired here.
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { spawnDaemon } from "../../control/lifecycle.js";
import type { WardenPaths } from "../../platform/paths.js";
import { inspectPath } from "../../platform/secure-dir.js";
import { removeStaleLock, removeStaleSocket } from "../../control/stale-files.js";
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
  async daemon_rebuild(paths) {
    const { callOnce } = await import("../../rpc/client.js");
    const r = await callOnce(paths.socket, "projection.rebuild", {}, { connectTimeoutMs: 5000, callTimeoutMs: 600_000 });
    return `rebuilt from ${r.files} files, ${r.rows} rows; verify ${r.verify.ok ? "ok" : "DRIFT"}`;
  },
  async daemon_rebuild_reset_storage() {
    const { resetStorage } = await import("../../sync/offline.js");
    const r = resetStorage(() => {});
    return `replayed ${r.files} files, ${r.rows} rows; verify ${r.verify.ok ? "ok" : "DRIFT"}`;
  },
  async remove_unmasked_backups(paths) {
    const { readRemaskState } = await import("../../sync/remask-job.js");
    const { pruneBackups } = await import("../../projection/prune-backups.js");
    const at = readRemaskState(paths.remaskState).lastRewriteAt;
    if (!at) return "no history rewrite recorded: nothing to remove";
    const r = pruneBackups(paths.backups, { before: new Date(at) });
    return `removed ${r.removed.length} backup(s) made before ${at}`;
  },
  async start_daemon(_paths, env) {
    const { pid, socket } = await spawnDaemon(env, 10_000);
    return `started pid ${pid} on ${socket}`;
  },
};

/**
 * Order matters: clear stale files before starting a daemon over them; reset a damaged projection
 * offline before a start (which would otherwise rebuild it in the background). restore_latest_backup
 * is never applied by --fix: rebuild is the safe default when sources are healthy.
 */
const order: RepairId[] = [
  "remove_stale_socket",
  "remove_stale_lock",
  "chmod_run_root",
  "chmod_socket",
  "daemon_rebuild_reset_storage",
  "daemon_rebuild",
  "remove_unmasked_backups",
  "start_daemon",
];

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
