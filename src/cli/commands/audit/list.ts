import { Command, Option } from "clipanion";
import type { ResultOf } from "../../../../protocol/index.js";
import { WardenCommand } from "../../base.js";
import { parseCount } from "../../options.js";

export class AuditListCommand extends WardenCommand {
  static override paths = [["audit", "list"]];
  static override usage = Command.Usage({
    category: "Audit",
    description: "Show the audit log: every unlock, lock, eviction and secret read, newest first",
    details:
      "From the daemon's projection (every host whose log is synced in); with --no-daemon, WARDEN_NO_DAEMON=1 or no daemon running, from the projection file read-only or the audit files themselves. --since takes an ISO time or a duration back from now (30m, 2h, 7d).",
    examples: [
      ["Last hour", "warden audit list --since 1h"],
      ["As JSON", "warden audit list --json"],
    ],
  });

  since = Option.String("--since", { description: "Only records at or after this time (ISO-8601 or a duration ago, e.g. 2h)" });
  host = Option.String("--host", { description: "Only this host's records" });
  limit = Option.String("--limit", "100", { description: "Page size (1-1000)" });
  cursor = Option.String("--cursor", { description: "nextCursor of the previous page" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../../read-through.js");
    const { listAudit } = await import("../../../projection/read.js");
    const { parseSince } = await import("../../times.js");
    const q = {
      host: this.host,
      since: this.since === undefined ? undefined : parseSince(this.since, "--since"),
      limit: parseCount(this.limit, "--limit", 1, 1000),
      cursor: this.cursor,
    };
    const r = await readThrough("audit.list", q, this.noDaemon, (db) => listAudit(db, q));
    /** Audit records are recorded JSON (audit-log.ts): the fields are read as the record may hold them. */
    const line = (r: ResultOf<"audit.list">["records"][number]) => {
      const peer = r.peer as { pid?: number; exe?: string | null } | undefined;
      return [
        r.ts,
        String(r.action).padEnd(6),
        String(r.outcome).padEnd(6),
        r.vault ?? "",
        r.name ?? "",
        r.kind ?? "",
        r.reason ? `reason=${JSON.stringify(r.reason)}` : "",
        r.count ? `count=${r.count} (${r.first} .. ${r.last})` : "",
        peer ? `pid=${peer.pid} ${peer.exe ?? ""}` : "",
      ]
        .filter(Boolean)
        .join("  ");
    };
    this.print(r.records.length ? r.records.map(line).join("\n") + (r.nextCursor ? `\n(more: --cursor ${r.nextCursor})` : "") : "no audit records", r);
    return 0;
  }
}
