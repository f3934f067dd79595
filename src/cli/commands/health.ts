import { Command } from "clipanion";
import { clientSocketPath } from "../../platform/paths.js";
import { callOnce } from "../../rpc/client.js";
import { WardenCommand } from "../base.js";
import { CLI_CALL } from "../timeouts.js";

export class HealthCommand extends WardenCommand {
  static override paths = [["health"]];
  static override usage = Command.Usage({
    description: "Show the daemon's handshake: API version, binary, daemon metadata, capabilities",
    examples: [
      ["Human-readable", "warden health"],
      ["For scripts and editors", "warden health --json"],
    ],
  });

  async run(): Promise<number> {
    const h = await callOnce(clientSocketPath(), "health", {}, CLI_CALL);
    const caps = Object.entries(h.capabilities)
      .map(([k, v]) => `${k}${v ? "" : " (off)"}`)
      .join(", ");
    const human = [
      `${h.binary.name} ${h.binary.version}  api ${h.apiVersion}`,
      `daemon   pid ${h.daemon.pid} on ${h.daemon.host}, started ${h.daemon.startedAt}`,
      `socket   ${h.daemon.socket}`,
      `home     ${h.daemon.home}`,
      `run root ${h.daemon.runRoot}`,
      `features ${caps}`,
    ].join("\n");
    this.print(human, h);
    return 0;
  }
}
