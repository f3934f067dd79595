import { Command } from "clipanion";
import { WardenCommand } from "../../base.js";

export class SyncStatusCommand extends WardenCommand {
  static override paths = [["sync", "status"]];
  static override usage = Command.Usage({
    category: "History",
    description: "How current the projection is, per source",
    details: `
      Per source — ledgers, audit logs and approvals under WARDEN_HOME (every host's), Claude Code and Codex transcripts — the files applied, records, secrets masked, and what is not applied yet: files and bytes behind and how long the oldest change has waited. Then the file watcher's state, the last sync and full reconcile, the masking rules version, the last error, and each configured sink's last push.

      Needs the daemon: it is the one keeping the projection current.
    `,
    examples: [
      ["Status", "warden sync status"],
      ["As JSON", "warden sync status --json"],
    ],
  });

  async run(): Promise<number> {
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const r = await callOnce(clientSocketPath(), "sync.status", {}, CLI_CALL);
    const { formatBytes, formatDuration, formatSecs } = await import("../../format.js");
    const lines = [
      `sync ${r.state}; watcher ${r.watcher.state} (${r.watcher.dirs} dirs)${r.watcher.reason ? `: ${r.watcher.reason}` : ""}; full pass every ${formatSecs(r.reconcileSecs)}`,
      `last sync ${r.lastSyncAt ?? "never"}, last reconcile ${r.lastReconcileAt ?? "never"}; rules v${r.rulesVersion}; ${r.masked.total} secrets masked`,
      "",
      [
        "source".padEnd(12),
        "files".padStart(7),
        "missing".padStart(8),
        "records".padStart(10),
        "masked".padStart(7),
        "behind".padStart(16),
        "lag".padStart(9),
        "  root",
      ].join(""),
      ...r.sources.map((s) =>
        [
          s.source.padEnd(12),
          String(s.files).padStart(7),
          String(s.missing).padStart(8),
          String(s.rows).padStart(10),
          String(s.masked).padStart(7),
          (s.filesBehind ? `${s.filesBehind} / ${formatBytes(s.bytesBehind)}` : "-").padStart(16),
          (s.lagMs === null ? "-" : formatDuration(s.lagMs)).padStart(9),
          `  ${s.root}${s.staleRules ? `  (${s.staleRules} files to rescan)` : ""}${s.lastUnparseable ? `  (${s.unparseable} lines not understood, last ${s.lastUnparseable.file}:${s.lastUnparseable.line})` : ""}`,
        ].join(""),
      ),
    ];
    const m = r.remask;
    if (m.state === "running")
      lines.push("", `masking history anew: ${m.values} value(s), ${m.scanned}/${m.total} events checked, ${m.rewritten} rows rewritten`);
    else if (m.lastRewriteAt)
      lines.push(
        "",
        `history last masked anew ${m.lastRewriteAt}: ${m.rows} rows in all${m.ledgerRows ? `, ${m.ledgerRows} of them from ledger lines that hold the value (see warden daemon doctor)` : ""}`,
      );
    if (r.lastError) lines.push("", `last error ${r.lastError.at}: ${r.lastError.message}`);
    for (const k of r.sinks) lines.push(`sink ${k.name} → ${k.target}: last push ${k.lastPushAt ?? "never"}${k.lastError ? `; error: ${k.lastError}` : ""}`);
    this.print(lines.join("\n"), r);
    return 0;
  }
}
