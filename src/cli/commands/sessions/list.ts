import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";
import { parseCount } from "../../options.js";

export class SessionsListCommand extends WardenCommand {
  static override paths = [["sessions", "list"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "List sessions, newest first",
    details: "From the daemon's projection; with --no-daemon (or WARDEN_NO_DAEMON=1, or no daemon running) from the projection file read-only, or the source files when it is missing. Same output either way.",
    examples: [["Recent sessions", "warden sessions list"], ["Open ones, as JSON", "warden sessions list --state open --json"]],
  });

  host = Option.String("--host", { description: "Only this host's sessions" });
  state = Option.String("--state", { description: "open, running, closed, exited" });
  limit = Option.String("--limit", "50", { description: "Page size (1-1000)" });
  cursor = Option.String("--cursor", { description: "nextCursor of the previous page" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../../read-through.js");
    const { listSessions } = await import("../../../projection/read.js");
    const q = { host: this.host, state: this.state, limit: parseCount(this.limit, "--limit", 1, 1000), cursor: this.cursor };
    const r = await readThrough("sessions.list", q, this.noDaemon, (db) => listSessions(db, q));
    const human = r.sessions.length
      ? r.sessions.map((s) => `${s.id}  ${s.state.padEnd(7)} ${s.kind.padEnd(4)} ${s.host}  ${s.updatedAt}  ${s.title ?? ""}`).join("\n") + (r.nextCursor ? `\n(more: --cursor ${r.nextCursor})` : "")
      : "no sessions";
    this.print(human, r);
    return 0;
  }
}
