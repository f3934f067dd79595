import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class SessionsGetCommand extends WardenCommand {
  static override paths = [["sessions", "get"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Show one session",
    examples: [["A session", "warden sessions get 01a2…"]],
  });

  session = Option.String({ required: true });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../../read-through.js");
    const { getSession } = await import("../../../projection/read.js");
    const s = await readThrough("sessions.get", { session: this.session }, this.noDaemon, (db) => getSession(db, this.session));
    const human = [`${s.id}  ${s.kind} on ${s.host}: ${s.state}`, `title    ${s.title ?? ""}`, `created  ${s.createdAt}`, `updated  ${s.updatedAt}`, `events   ${s.lastSeq}`].join("\n");
    this.print(human, s);
    return 0;
  }
}
