// Doctor's checks of what masking history anew leaves behind: backups made before a rewrite still
// hold the values it masked; a ledger file written before a value was known holds it in clear.
import { backupsBefore } from "../../projection/prune-backups.js";
import { readRemaskState } from "../../sync/remask-job.js";
import type { CheckResult, DoctorContext } from "./types.js";

export function checkBackupsMasked(ctx: DoctorContext): CheckResult {
  const name = "backups_masked";
  const at = readRemaskState(ctx.paths.remaskState).lastRewriteAt;
  const stale = at ? backupsBefore(ctx.paths.backups, at) : [];
  if (!at || stale.length === 0)
    return {
      check: { name, state: "ok", message: at ? `no backup predates the last rewrite of history (${at})` : "history was never rewritten" },
      actions: [],
    };
  const secs = Math.max(1, Math.floor((Date.now() - Date.parse(at)) / 1000));
  return {
    check: {
      name,
      state: "degraded",
      message: `${stale.length} backup(s) predate the rewrite of history at ${at} and may hold values now masked: ${stale.map((b) => b.file).join(", ")}`,
    },
    actions: [
      {
        id: "remove_unmasked_backups",
        risk: "runtime_only",
        command: `warden daemon prune-backups --older-than ${secs}s`,
        explanation: "Remove the backups made before history was masked anew (they are copies of the projection; the sources are untouched).",
      },
    ],
  };
}

export function checkLedgerValues(ctx: DoctorContext): CheckResult {
  const name = "ledger_masking";
  const s = readRemaskState(ctx.paths.remaskState);
  if (s.ledgerRows === 0)
    return { check: { name, state: "ok", message: "no ledger line is known to hold a value written before it was known to be secret" }, actions: [] };
  return {
    check: {
      name,
      state: "ok",
      message: `${s.ledgerRows} ledger event(s) were recorded before a value in them was known to be secret: the projection's copy is masked, the ledger files (append-only sources under ledger/${ctx.paths.host}/) still hold it`,
    },
    actions: [],
  };
}
