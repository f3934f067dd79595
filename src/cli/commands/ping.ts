import { Command } from "clipanion";
import { clientSocketPath } from "../../daemon/paths.js";
import { RpcClient } from "../../rpc/client.js";
import { WardenCommand } from "../base.js";

export class PingCommand extends WardenCommand {
  static override paths = [["ping"]];
  static override usage = Command.Usage({
    description: "Check that the daemon answers",
    details: "Sends `ping` over the socket ($WARDEN_SOCKET, or this host's warden.sock) and prints the round trip. Exits 3 when no daemon is running.",
    examples: [["Ping the daemon", "warden ping"], ["Machine-readable", "warden ping --json"]],
  });

  async run(): Promise<number> {
    const socket = clientSocketPath();
    const client = await RpcClient.connect(socket);
    try {
      const t0 = performance.now();
      await client.call("ping");
      const rttMs = Math.round((performance.now() - t0) * 1000) / 1000;
      this.print(`pong from ${socket} in ${rttMs} ms`, { pong: true, rttMs, socket });
      return 0;
    } finally {
      client.close();
    }
  }
}
