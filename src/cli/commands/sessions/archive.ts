import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class SessionsArchiveCommand extends WardenCommand {
  static override paths = [["sessions", "archive"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Hide a finished session from lists",
    details:
      "Records an `archive` event: the session no longer shows in `warden sessions list` (it does with --all), and its history stays readable (`warden events`, `warden tasks output`). A running session must be killed first, and an open log session closed (conflict, exit status 1). Only this host's sessions can be archived.",
    examples: [
      ["Archive a session", "warden sessions archive 0193a7c2-…"],
      ["Archived ones too", "warden sessions list --all"],
    ],
  });

  session = Option.String({ required: true });

  async run(): Promise<number> {
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const s = await callOnce(clientSocketPath(), "sessions.archive", { session: this.session }, CLI_CALL);
    this.print(`archived session ${s.id}`, s);
    return 0;
  }
}
