import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class SessionsGetCommand extends WardenCommand {
  static override paths = [["sessions", "get"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Show one session",
    details:
      "Its state, title, times and event count; for PTY and task sessions also what was launched (mode, harness, argv, cwd), its pid and whether it runs now, how it ended (exit code or signal, and why when it did not end on its own: killed, daemon_stopped, daemon_restarted), and its credential scope (the scopes and entries its agent may read without approval; see `warden sessions scope`). Whether it runs now is known only from the daemon (not with --no-daemon).",
    examples: [
      ["A session", "warden sessions get 0193a7c2-…"],
      ["As JSON", "warden sessions get 0193a7c2-… --json"],
    ],
  });

  session = Option.String({ required: true });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../../read-through.js");
    const { getSession } = await import("../../../projection/read.js");
    const { sessionDetails } = await import("../../session-format.js");
    const s = await readThrough("sessions.get", { session: this.session }, this.noDaemon, (db) => getSession(db, this.session));
    this.print(sessionDetails(s), s);
    return 0;
  }
}
