import type { ResultOf } from "../../../protocol/index.js";
import type { Config } from "../../platform/config.js";
import type { LockState } from "../../platform/lock.js";
import type { WardenPaths } from "../../platform/paths.js";

/** rebuilding: the daemon is rebuilding the projection from the sources (it was damaged or missing); nothing to repair, not healthy yet. */
export type CheckState = "ok" | "rebuilding" | "degraded" | "failed";
export type DoctorState = "healthy" | "rebuilding" | "degraded" | "failed";

/** read_only: inspects only. runtime_only: touches run/<host> files only. requires_manual_review: a person decides. */
export type RepairRisk = "read_only" | "runtime_only" | "requires_manual_review";

export type RepairId =
  | "remove_stale_socket"
  | "remove_stale_lock"
  | "chmod_run_root"
  | "chmod_socket"
  | "start_daemon"
  | "restart_daemon"
  | "resolve_host_conflict"
  | "fix_home"
  | "fix_run_root"
  | "fix_config"
  | "move_socket_obstruction"
  | "free_disk_space"
  | "inspect_audit"
  | "restore_vault"
  | "inspect_source"
  | "daemon_rebuild"
  | "daemon_rebuild_reset_storage"
  | "restore_latest_backup"
  | "remove_unmasked_backups"
  | "restore_audit_key"
  | "fix_audit_key"
  | "publish_audit_key";

export interface Check {
  name: string;
  state: CheckState;
  message: string;
}

export interface RepairAction {
  id: RepairId;
  risk: RepairRisk;
  command: string;
  explanation: string;
}

export interface DoctorReport {
  doctor: { state: DoctorState; checks: Check[] };
  repair_actions: RepairAction[];
  storage_layout: Record<string, unknown>;
}

/** What every check reads: gathered once per doctor run. */
export interface DoctorContext {
  paths: WardenPaths;
  config: Config | null;
  configError: string | null;
  lock: LockState;
  /** The daemon's status reply, or why it could not be had. */
  daemon: { status: ResultOf<"status"> } | { error: string };
}

export interface CheckResult {
  check: Check;
  actions: RepairAction[];
}
