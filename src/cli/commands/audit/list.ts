import { Command, Option } from "clipanion";
import { WardenError } from "../../../errors.js";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../duration.js";

export class AuditListCommand extends WardenCommand {
  static override paths = [["audit", "list"]];
  static override usage = Command.Usage({
    category: "Audit",
    description: "Show the audit log: every unlock, lock, eviction and secret read",
    details: "Reads $WARDEN_HOME/audit/<host>.jsonl directly; no daemon needed. --since takes an ISO time or a duration back from now (30m, 2h, 7d).",
    examples: [["Last hour", "warden audit list --since 1h"], ["As JSON lines", "warden audit list --json"]],
  });

  since = Option.String("--since", { description: "Only records at or after this time (ISO-8601 or a duration ago, e.g. 2h)" });
  host = Option.String("--host", { description: "Another host's log (synced into $WARDEN_HOME/audit)" });

  async run(): Promise<number> {
    const { auditFileOf, resolvePaths } = await import("../../../daemon/paths.js");
    const { readAuditFile } = await import("../../../ledger/audit-read.js");
    const paths = resolvePaths();
    const file = auditFileOf(paths, this.host);
    const from = this.since === undefined ? 0 : sinceTime(this.since);
    const records = readAuditFile(file, (r) => Date.parse(r.ts) >= from).records.map((r) => r.record);
    if (this.json) {
      this.context.stdout.write(JSON.stringify({ file, records }, null, 2) + "\n");
      return 0;
    }
    const line = (r: (typeof records)[number]) =>
      [r.ts, r.action.padEnd(6), r.outcome.padEnd(6), r.vault ?? "", r.name ?? "", r.kind ?? "", r.reason ? `reason=${JSON.stringify(r.reason)}` : "", r.peer ? `pid=${r.peer.pid} ${r.peer.exe ?? ""}` : ""]
        .filter(Boolean)
        .join("  ");
    this.context.stdout.write(records.length ? records.map(line).join("\n") + "\n" : `no audit records in ${file}\n`);
    return 0;
  }
}

function sinceTime(text: string): number {
  const iso = Date.parse(text);
  if (!Number.isNaN(iso) && /\d{4}-\d{2}-\d{2}/.test(text)) return iso;
  try {
    return Date.now() - parseDuration(text, "--since");
  } catch {
    throw new WardenError("usage", `--since ${JSON.stringify(text)}: expected an ISO time or a duration such as 2h`, { option: "--since" });
  }
}
