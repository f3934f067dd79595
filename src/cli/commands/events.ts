import { Command, Option } from "clipanion";
import { WardenCommand } from "../base.js";
import { parseCount } from "../options.js";

export class EventsCommand extends WardenCommand {
  static override paths = [["events"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Print a session's events",
    details: "Events with seq greater than --after, in order. With --json, one JSON object (events and lastSeq); page on with --after set to the last seq.",
    examples: [["All of a session", "warden events 01a2…"], ["From seq 100, as JSON", "warden events 01a2… --after 100 --json"]],
  });

  session = Option.String({ required: true });
  after = Option.String("--after", "0", { description: "Only events after this seq" });
  limit = Option.String("--limit", "5000", { description: "At most this many (1-5000)" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../read-through.js");
    const { readEvents } = await import("../../projection/read.js");
    const q = { session: this.session, after: parseCount(this.after, "--after", 0, Number.MAX_SAFE_INTEGER), limit: parseCount(this.limit, "--limit", 1, 5000) };
    const r = await readThrough("events.read", q, this.noDaemon, (db) => readEvents(db, q));
    const human = r.events.map((e) => `${String(e.seq).padStart(6)}  ${e.ts}  ${e.kind.padEnd(7)} ${JSON.stringify(e.data)}`).join("\n") || "no events";
    this.print(human, r);
    return 0;
  }
}
