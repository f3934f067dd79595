import { Command, Option } from "clipanion";
import { clientSocketPath } from "../../../platform/paths.js";
import { callOnce } from "../../../rpc/client.js";
import { WardenCommand } from "../../base.js";
import { surfaceOption } from "../../options.js";

export class DaemonVerifyCommand extends WardenCommand {
  static override paths = [["daemon", "verify"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "Compare the projection with its source files",
    details: "Counts and content hashes per surface (sessions, events, audit, approvals). Exits 1 on any drift; `warden daemon diff` lists the rows.",
    examples: [["Everything", "warden daemon verify --surface all"]],
  });

  surface = Option.String("--surface", "all", { description: "sessions, events, audit, approvals or all" });

  async run(): Promise<number> {
    const r = await callOnce(
      clientSocketPath(),
      "projection.verify",
      { surface: surfaceOption(this.surface) },
      { connectTimeoutMs: 5000, callTimeoutMs: 600_000 },
    );
    const human = r.surfaces
      .map(
        (s) =>
          `${s.ok ? "ok     " : "DRIFT  "} ${s.surface.padEnd(10)} source ${s.source.count} rows  projection ${s.projection.count} rows${s.ok ? "" : `  (hashes ${s.source.hash.slice(0, 12)} / ${s.projection.hash.slice(0, 12)})`}`,
      )
      .join("\n");
    this.print(human, r);
    return r.ok ? 0 : 1;
  }
}
