import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class AuditVerifyCommand extends WardenCommand {
  static override paths = [["audit", "verify"]];
  static override usage = Command.Usage({
    category: "Audit",
    description: "Verify the audit logs: hash chains, Merkle trees, signed checkpoints, keys and witnesses",
    details: `
      Checks every host's audit log in $WARDEN_HOME/audit (this host's first), or only --host's. Reads files only: no daemon is needed, and a machine with nothing but the synced files and keys/*.pub verifies the same way.

      For each log: every record's hash and link (an edited, removed or reordered record; on this host, a log that ends before or differs from the head the daemon last synced: truncated or rolled back); every checkpoint in audit/<host>.checkpoints (origin warden/<host>, signed by the key of its epoch as named by the log's audit_key records, root equal to the root of that many records, sizes never shrinking, an RFC 9162 consistency proof from the checkpoint before); the log's latest key against keys/<host>.audit.pub and, on the host that owns the log, against the signing key it holds; and every witness record any host's log keeps about it (the root of that many records must be the one the witness saw).

      Exits 0 when everything holds, 1 naming the first bad record or checkpoint (--json: firstBroken with host, file, line, kind and reason). A new key epoch (the signing key was lost and replaced) is printed as a warning and does not fail: history before it stays checked against the old key. A torn last line from a crash is ignored.
    `,
    examples: [
      ["Verify every host's log", "warden audit verify"],
      ["Only one host's, as JSON", "warden audit verify --host laptop --json"],
    ],
  });

  host = Option.String("--host", { description: "Only this host's log (synced into $WARDEN_HOME/audit)" });

  async run(): Promise<number> {
    const { auditFileOf, resolvePaths, sanitizeHost } = await import("../../../platform/paths.js");
    const { auditHosts, verifyAuditHome } = await import("../../../ledger/audit-verify.js");
    const { WardenError } = await import("../../../platform/errors.js");
    const paths = resolvePaths();
    const only = this.host === undefined ? undefined : sanitizeHost(this.host);
    if (only !== undefined && only !== paths.host && !auditHosts(paths.home).includes(only)) {
      throw new WardenError("not_found", `no audit log of host ${only} (${auditFileOf(paths, only)})`, { host: only });
    }
    const report = verifyAuditHome(paths.home, paths.host, { only, headPath: paths.auditHead });
    const lines = report.hosts.map((h) => {
      if (!h.ok) {
        const b = h.firstBroken!;
        return `${h.host}: BROKEN (${b.kind}) ${b.file}${b.line !== null ? ` line ${b.line}` : ""}${b.seq !== null && b.seq !== b.line ? ` (seq ${b.seq})` : ""}: ${b.reason}`;
      }
      const reads = h.reads !== h.records ? ` standing for ${h.reads} reads` : "";
      const signed = h.latest ? `, ${h.checkpoints} checkpoint(s) verified, the latest at ${h.latest.size}` : ", no checkpoint yet";
      const witnessed = h.witnessed ? `, ${h.witnessed} witness record(s) agree` : "";
      const torn = h.tornTail ? " (a torn last line from a crash is ignored)" : "";
      return `${h.host}: ok: ${h.records} record(s)${reads}${signed}${witnessed}${torn}`;
    });
    const warnings = report.warnings.map((w) => `warning: ${w}`);
    const mine = report.hosts[0]!;
    const data = { ...report, file: mine.file, records: sum(report.hosts, "records"), reads: sum(report.hosts, "reads"), tornTail: mine.tornTail };
    this.print([...lines, ...warnings].join("\n"), data);
    return report.ok ? 0 : 1;
  }
}

function sum(hosts: Array<{ records: number; reads: number }>, key: "records" | "reads"): number {
  return hosts.reduce((n, h) => n + h[key], 0);
}
