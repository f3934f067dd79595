import { Command, Option } from "clipanion";
import { WardenError } from "../../platform/errors.js";
import { WardenCommand } from "../base.js";
import { parseCount } from "../options.js";

export class EventsCommand extends WardenCommand {
  static override paths = [["events"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Print a session's events",
    details: `
      Events with seq greater than --after, in order. With --json, one JSON object (events and lastSeq); page on with --after set to the last seq.

      With --follow (-f), every event recorded so far is printed, then new ones as they happen, until the session's exit (or a log session's close); Ctrl-C stops earlier. With --json in follow mode, one JSON event per line (NDJSON). Following needs a running daemon.
    `,
    examples: [
      ["All of a session", "warden events 0193a7c2-…"],
      ["From seq 100, as JSON", "warden events 0193a7c2-… --after 100 --json"],
      ["Live, as NDJSON", "warden events 0193a7c2-… --follow --json"],
    ],
  });

  session = Option.String({ required: true });
  after = Option.String("--after", "0", { description: "Only events after this seq" });
  limit = Option.String("--limit", "5000", { description: "At most this many (1-5000); with --follow, the page size" });
  follow = Option.Boolean("--follow,-f", false, { description: "Keep printing new events until the session ends" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const q = {
      session: this.session,
      after: parseCount(this.after, "--after", 0, Number.MAX_SAFE_INTEGER),
      limit: parseCount(this.limit, "--limit", 1, 5000),
    };
    if (this.follow) {
      if (this.noDaemon) throw new WardenError("usage", "--follow needs the daemon: it cannot be used with --no-daemon", { option: "--follow" });
      return this.runFollow(q);
    }
    const { readThrough } = await import("../read-through.js");
    const { readEvents } = await import("../../projection/read.js");
    const r = await readThrough("events.read", q, this.noDaemon, (db, home) => readEvents(db, q, home));
    this.print(r.events.map(eventLine).join("\n") || "no events", r);
    return 0;
  }

  /**
   * Pages through what is recorded, then subscribes from the last seq printed until exit or close.
   * A session that had ended before we looked is printed to its end, and that is all.
   */
  private async runFollow(q: { session: string; after: number; limit: number }): Promise<number> {
    const { connectDaemon, isFinal, streamEvents } = await import("../session-stream.js");
    const out = this.context.stdout;
    const show = (e: Parameters<typeof eventLine>[0]) => out.write((this.json ? JSON.stringify(e) : eventLine(e)) + "\n");
    const client = await connectDaemon();
    try {
      const s = await client.call("sessions.get", { session: q.session });
      q = { ...q, session: s.id }; // an imported session may be named by its tool's own id
      const endedBefore = !["running", "open"].includes(s.state);
      let after = q.after;
      for (;;) {
        const page = await client.call("events.read", { ...q, after });
        for (const e of page.events) {
          show(e);
          after = e.seq;
          if (isFinal(e) && !endedBefore) return 0;
        }
        if (page.events.length < q.limit) break;
      }
      if (endedBefore) return 0;
      await streamEvents(client, q.session, after, show).ended;
      return 0;
    } finally {
      client.close();
    }
  }
}

function eventLine(e: { seq: number; ts: string; kind: string; data: unknown }): string {
  return `${String(e.seq).padStart(6)}  ${e.ts}  ${e.kind.padEnd(7)} ${JSON.stringify(e.data)}`;
}
