import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class SyncRunCommand extends WardenCommand {
  static override paths = [["sync", "run"]];
  static override usage = Command.Usage({
    category: "History",
    description: "Sync the projection with every source now",
    details: `
      Runs a reconcile pass over every source file and returns once everything it found is applied: what a change would show within a second anyway, now, with a summary. The daemon does this by itself every \`sync.reconcileSecs\`.

      --full re-reads every source from the start: a rebuild, built aside in a worker and swapped in (the daemon keeps serving), as \`warden daemon rebuild\`.
    `,
    examples: [
      ["Sync now", "warden sync run"],
      ["Re-import everything", "warden sync run --full"],
    ],
  });

  full = Option.Boolean("--full", false, { description: "Re-read every source from the start (a rebuild)" });

  async run(): Promise<number> {
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const r = await callOnce(clientSocketPath(), "sync.run", { full: this.full }, { connectTimeoutMs: 5000 });
    const bytes = r.bytes >= 1 << 20 ? `${(r.bytes / (1 << 20)).toFixed(1)} MiB` : `${r.bytes} bytes`;
    const what = `${r.full ? "re-imported" : "applied"} ${r.files} files: ${r.rows} rows, ${bytes}, ${r.masked} secrets masked`;
    this.print(`${what} in ${r.durationMs} ms${r.unparseable ? `; ${r.unparseable} lines not understood` : ""}`, r);
    return 0;
  }
}
