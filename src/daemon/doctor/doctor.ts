// Runs every check and assembles the report: overall state, checks, repair actions and the
// storage layout (what is safe to sync and what must stay host-local).
import { join } from "node:path";
import { WardenError } from "../../platform/errors.js";
import { callOnce } from "../../rpc/client.js";
import { loadConfig, type Config } from "../../platform/config.js";
import { PROBE } from "../../control/lifecycle.js";
import { inspectLock } from "../../platform/lock.js";
import { resolvePaths, type WardenPaths } from "../../platform/paths.js";
import { checkAudit, checkConfig, checkDaemon, checkDisk, checkHome, checkLock, checkRunRoot, checkSocket, checkVaults } from "./checks.js";
import { checkAuditKey } from "./audit-key-checks.js";
import { checkBackupsMasked, checkLedgerValues } from "./masking-checks.js";
import { checkProjection, checkSourceExports } from "./projection-checks.js";
import { checkWitnesses } from "./witness-checks.js";
import type { CheckState, DoctorContext, DoctorReport, DoctorState } from "./types.js";

/** In the order the report lists them. */
const allChecks = [
  checkDaemon,
  checkConfig,
  checkHome,
  checkRunRoot,
  checkLock,
  checkSocket,
  checkDisk,
  checkVaults,
  checkAudit,
  checkWitnesses,
  checkAuditKey,
  checkProjection,
  checkSourceExports,
  checkBackupsMasked,
  checkLedgerValues,
];

export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const paths = resolvePaths(env);
  let config: Config | null = null;
  let configError: string | null = null;
  try {
    config = loadConfig(paths.config);
  } catch (err) {
    configError = err instanceof WardenError ? err.message : String(err);
  }
  const daemon = await callOnce(paths.socket, "status", {}, PROBE).then(
    (status) => ({ status }),
    (err: Error) => ({ error: err.message }),
  );
  const ctx: DoctorContext = { paths, config, configError, lock: inspectLock(paths.lock, paths.host), daemon };
  const results = allChecks.map((check) => check(ctx));
  const states = results.map((r) => r.check.state);
  return {
    doctor: { state: overall(states), checks: results.map((r) => r.check) },
    repair_actions: results.flatMap((r) => r.actions),
    storage_layout: storageLayout(paths),
  };
}

export function overall(states: CheckState[]): DoctorState {
  if (states.includes("failed")) return "failed";
  if (states.includes("degraded")) return "degraded";
  return states.includes("rebuilding") ? "rebuilding" : "healthy";
}

export function storageLayout(paths: WardenPaths): Record<string, unknown> {
  const { home } = paths;
  return {
    home,
    host: paths.host,
    run_root: paths.runRoot,
    config: paths.config,
    socket: paths.socket,
    lock: paths.lock,
    metadata: paths.metadata,
    log: paths.log,
    source_stores: {
      vaults: paths.vaults,
      ledger: join(home, "ledger", paths.host),
      audit: paths.audit,
      approvals: join(home, "approvals", `${paths.host}.jsonl`),
    },
    safe_to_sync: [join(home, "config.json"), join(home, "vaults") + "/", join(home, "ledger") + "/", join(home, "audit") + "/", join(home, "approvals") + "/"],
    host_local_never_sync: [join(home, "run") + "/", join(home, "private") + "/"],
  };
}
