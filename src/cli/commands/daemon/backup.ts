import { Command } from "clipanion";
import { clientSocketPath } from "../../../platform/paths.js";
import { callOnce } from "../../../rpc/client.js";
import { WardenCommand } from "../../base.js";

export class DaemonBackupCommand extends WardenCommand {
  static override paths = [["daemon", "backup"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "Back up the projection, online",
    details:
      "A consistent snapshot taken while the daemon keeps serving and appending (SQLite VACUUM INTO, in a worker thread) into $WARDEN_HOME/run/<host>/backups/projection-<timestamp>.sqlite, then an integrity_check of the copy.",
    examples: [["Back up", "warden daemon backup"]],
  });

  async run(): Promise<number> {
    const r = await callOnce(clientSocketPath(), "projection.backup", {}, { connectTimeoutMs: 5000, callTimeoutMs: 600_000 });
    const { formatBytes, formatDuration } = await import("../../format.js");
    this.print(`backed up to ${r.file} (${formatBytes(r.bytes)}, integrity ok, ${formatDuration(r.durationMs)})`, r);
    return 0;
  }
}
