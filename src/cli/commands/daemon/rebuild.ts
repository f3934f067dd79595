import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";
import { surfaceOption } from "../../options.js";

export class DaemonRebuildCommand extends WardenCommand {
  static override paths = [["daemon", "rebuild"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "Rebuild the projection from the source files",
    details: `
      Live (daemon running): the daemon imports every source file into a new database in a worker thread, keeps serving meanwhile, swaps the new one in, catches it up and verifies it. It refuses to swap when the sources yield nothing. Source files are never written.

      --reset-storage (daemon stopped): deletes the projection and replays every source file into a new one, here.
    `,
    examples: [
      ["Live", "warden daemon rebuild --surface all"],
      ["Offline reset", "warden daemon rebuild --reset-storage"],
    ],
  });

  surface = Option.String("--surface", "all", { description: "Reported surfaces (every surface is rebuilt: sessions and events share their files)" });
  resetStorage = Option.Boolean("--reset-storage", false, { description: "Offline: drop the projection and replay the sources (daemon stopped)" });

  async run(): Promise<number> {
    const surface = surfaceOption(this.surface);
    const { describeDaemon } = await import("../../../control/lifecycle.js");
    const state = (await describeDaemon()).state;
    const bar = progressBar(this.context.stderr, this.json);
    if (this.resetStorage) {
      if (state === "running" || state === "unresponsive") {
        throw new WardenError("conflict", "--reset-storage runs with the daemon stopped (warden daemon stop); while it runs, use: warden daemon rebuild");
      }
      const { resetStorage } = await import("../../../sync/offline.js");
      const r = resetStorage((done, total) => bar(`replaying sources ${done}/${total}`));
      bar(null);
      this.print(`projection reset and replayed: ${r.files} files, ${r.rows} rows; verify ${r.verify.ok ? "ok" : "DRIFT"}`, r);
      return r.verify.ok ? 0 : 1;
    }
    const { RpcClient } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const client = await RpcClient.connect(clientSocketPath(), { connectTimeoutMs: 5000 });
    try {
      const { notifications } = await import("../../../../protocol/index.js");
      client.onNotification(notifications["projection.progress"], ({ phase, done, total }) => bar(`${phase} ${done}/${total}`));
      const r = await client.call("projection.rebuild", { surface });
      bar(null);
      const shown = r.verify.surfaces.filter((s) => surface === "all" || s.surface === surface);
      const { formatDuration } = await import("../../format.js");
      this.print(
        `rebuilt from ${r.files} files, ${r.rows} rows in ${formatDuration(r.durationMs)}; verify: ${shown.map((s) => `${s.surface} ${s.ok ? "ok" : "DRIFT"}`).join(", ")}`,
        r,
      );
      return r.verify.ok ? 0 : 1;
    } finally {
      client.close();
    }
  }
}

/** A one-line progress display on stderr when it is a terminal (and not --json); null clears it. */
export function progressBar(stderr: NodeJS.WritableStream, json: boolean): (text: string | null) => void {
  const tty = (stderr as { isTTY?: boolean }).isTTY && !json;
  return (text) => {
    if (!tty) return;
    stderr.write(text === null ? "\r\x1b[K" : `\r\x1b[K${text}`);
  };
}
