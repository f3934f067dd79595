import { Command, Option } from "clipanion";
import { clientSocketPath } from "../../../platform/paths.js";
import { callOnce } from "../../../rpc/client.js";
import { WardenCommand } from "../../base.js";
import { parseCount, surfaceOption } from "../../options.js";

export class DaemonDiffCommand extends WardenCommand {
  static override paths = [["daemon", "diff"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "List rows that differ between the projection and its sources",
    details: "A bounded page, in key order (session#seq, host#seq). Page on with --cursor. Exits 1 when there are differences.",
    examples: [
      ["First 100", "warden daemon diff --surface all --limit 100"],
      ["Next page", "warden daemon diff --cursor <next-cursor>"],
    ],
  });

  surface = Option.String("--surface", "all", { description: "sessions, events, audit, approvals or all" });
  limit = Option.String("--limit", "100", { description: "Page size (1-1000)" });
  cursor = Option.String("--cursor", { description: "nextCursor of the previous page" });

  async run(): Promise<number> {
    const params = { surface: surfaceOption(this.surface), limit: parseCount(this.limit, "--limit", 1, 1000), cursor: this.cursor };
    const r = await callOnce(clientSocketPath(), "projection.diff", params, { connectTimeoutMs: 5000, callTimeoutMs: 600_000 });
    const human = r.differences.length
      ? r.differences.map((d) => `${d.problem.padEnd(22)} ${d.surface.padEnd(10)} ${d.key}`).join("\n") +
        (r.nextCursor ? `\n(more: --cursor ${r.nextCursor})` : "")
      : "no differences";
    this.print(human, r);
    return r.differences.length ? 1 : 0;
  }
}
