import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class AuditVerifyCommand extends WardenCommand {
  static override paths = [["audit", "verify"]];
  static override usage = Command.Usage({
    category: "Audit",
    description: "Recompute the audit log's hash chain and name the first broken record",
    details:
      "Exits 0 when every record's hash and link hold, 1 at the first that does not (an edited, removed or reordered record), or when this host's log ends before the head the daemon last synced (truncated, or an older copy restored by a sync tool). A torn last line, from a crash mid-append, is reported but is not a break.",
    examples: [["Verify this host's log", "warden audit verify"]],
  });

  host = Option.String("--host", { description: "Another host's log (synced into $WARDEN_HOME/audit)" });

  async run(): Promise<number> {
    const { auditFileOf, resolvePaths } = await import("../../../platform/paths.js");
    const { verifyAuditChain } = await import("../../../ledger/audit-read.js");
    const paths = resolvePaths();
    const file = auditFileOf(paths, this.host);
    const report = verifyAuditChain(file, this.host ? undefined : paths.auditHead);
    const torn = report.tornTail ? " (a torn last line from a crash is ignored)" : "";
    const human = report.ok
      ? `audit chain intact: ${report.records} record(s)${report.reads !== report.records ? ` standing for ${report.reads} (coalesced repeats counted)` : ""} in ${file}${torn}`
      : `audit chain BROKEN at line ${report.firstBroken!.line}${report.firstBroken!.seq !== null ? ` (seq ${report.firstBroken!.seq})` : ""}: ${report.firstBroken!.reason}`;
    this.print(human, { file, ...report });
    return report.ok ? 0 : 1;
  }
}
