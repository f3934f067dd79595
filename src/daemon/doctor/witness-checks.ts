// Doctor's witness check: other hosts whose newest checkpoint this host could not witness (the
// last witness record for them is an error), and other hosts whose log, as synced here, no longer
// holds what this host witnessed (ledger/witness-check.ts, the check `audit verify` makes too).
import { auditFileOf } from "../../platform/paths.js";
import { checkWitnessed } from "../../ledger/witness-check.js";
import { lastWitnesses } from "../../ledger/witness-records.js";
import type { CheckResult, DoctorContext, RepairAction } from "./types.js";

export function checkWitnesses(ctx: DoctorContext): CheckResult {
  const name = "audit_witness";
  const witnessed = lastWitnesses(ctx.paths.audit);
  const failed: string[] = [];
  const behind: string[] = [];
  const actions: RepairAction[] = [];
  for (const [host, w] of [...witnessed].sort(([a], [b]) => a.localeCompare(b))) {
    const problems: string[] = [];
    if (w.last.outcome === "error") problems.push(`its checkpoint at size ${w.last.size ?? "?"} failed (${w.last.kind ?? "error"})`);
    const g = w.good;
    if (g && g.size !== null && g.root !== null) {
      const state = checkWitnessed(auditFileOf(ctx.paths, host), { size: g.size, root: g.root });
      if (state === "inconsistent") problems.push(`its log no longer holds what was witnessed at size ${g.size}`);
      if (state === "behind") behind.push(`${host} (its log here is shorter than the ${g.size} records witnessed: not synced yet, or truncated)`);
    }
    if (problems.length === 0) continue;
    failed.push(`${host}: ${problems.join("; ")}`);
    actions.push({
      id: "inspect_audit",
      risk: "requires_manual_review",
      command: `warden audit verify --host ${host} --json`,
      explanation: `${host}'s audit history differs from what this host witnessed: keep copies of both hosts' audit files and find out who rewrote it.`,
    });
  }
  if (failed.length > 0) return { check: { name, state: "failed", message: `other hosts' audit logs fail the witness check: ${failed.join(", ")}` }, actions };
  if (behind.length > 0) return { check: { name, state: "degraded", message: `behind what was witnessed: ${behind.join(", ")}` }, actions };
  const message = witnessed.size === 0 ? "no other host's checkpoints witnessed" : `${witnessed.size} other host(s) witnessed, their logs consistent with it`;
  return { check: { name, state: "ok", message }, actions: [] };
}
