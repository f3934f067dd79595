import { resolve } from "node:path";
import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";

export class DaemonRestoreCommand extends WardenCommand {
  static override paths = [["daemon", "restore"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "Replace the projection with a backup, then bring it current from the sources",
    details:
      "The backup is integrity-checked first. With the daemon stopped it replaces projection.sqlite (and its stale -wal/-shm); with the daemon running it needs --live-recovery. Either way the watermarks then replay whatever the sources gained since the backup. Source files are never touched. Prefer `warden daemon rebuild` when the sources are healthy.",
    examples: [
      ["Offline", "warden daemon restore ~/.warden/run/<host>/backups/projection-….sqlite"],
      ["Live", "warden daemon restore <file> --live-recovery"],
    ],
  });

  file = Option.String({ required: true });
  liveRecovery = Option.Boolean("--live-recovery", false, { description: "Restore into the running daemon" });

  async run(): Promise<number> {
    const file = resolve(this.file);
    const { describeDaemon } = await import("../../../control/lifecycle.js");
    const state = (await describeDaemon()).state;
    let r;
    if (state === "running" || state === "unresponsive") {
      if (!this.liveRecovery) throw new WardenError("conflict", "the daemon is running: pass --live-recovery to restore into it, or stop it first");
      const { callOnce } = await import("../../../rpc/client.js");
      const { clientSocketPath } = await import("../../../platform/paths.js");
      r = await callOnce(clientSocketPath(), "projection.restore", { file, liveRecovery: true }, { connectTimeoutMs: 5000, callTimeoutMs: 600_000 });
    } else {
      const { restoreOffline } = await import("../../../sync/offline.js");
      r = restoreOffline(file);
    }
    this.print(`restored ${r.restored}; caught up ${r.caughtUp.rows} rows from ${r.caughtUp.files} source files`, r);
    return 0;
  }
}
