import { Command } from "clipanion";
import { ping } from "../actions/ping.js";
import { WardenCommand } from "../base.js";

export class PingCommand extends WardenCommand {
  static override paths = [["ping"]];
  static override usage = Command.Usage({
    description: "Check that the daemon answers",
    details: "Sends `ping` over the socket ($WARDEN_SOCKET, or this host's warden.sock) and prints the round trip. Exits 3 when no daemon is running.",
    examples: [
      ["Ping the daemon", "warden ping"],
      ["Machine-readable", "warden ping --json"],
    ],
  });

  run(): Promise<number> {
    return ping(this.io);
  }
}
