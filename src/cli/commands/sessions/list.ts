import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";
import { parseCount } from "../../options.js";

export class SessionsListCommand extends WardenCommand {
  static override paths = [["sessions", "list"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "List sessions, newest first",
    details: `
      One line per session: id, state (with the exit code or signal once exited), liveness, kind (log, pty, task), host, last update and title. Liveness is \`live\` when the process runs now, \`gone\` when it is recorded running but does not, \`-\` when not known (log sessions, other hosts' sessions, or read without a daemon).

      Archived sessions (\`warden sessions archive\`) are left out unless --all is given. From the daemon's projection; with --no-daemon (or WARDEN_NO_DAEMON=1, or no daemon running) from the projection file read-only, or the source files when it is missing. Same output either way, liveness aside.
    `,
    examples: [
      ["Recent sessions", "warden sessions list"],
      ["Running ones, as JSON", "warden sessions list --state running --json"],
      ["Archived ones too", "warden sessions list --all"],
      ["Imported Claude Code transcripts", "warden sessions list --source claude-code"],
    ],
  });

  host = Option.String("--host", { description: "Only this host's sessions" });
  state = Option.String("--state", { description: "open, closed (log sessions); running, exited, failed (PTY and task sessions)" });
  source = Option.String("--source", { description: "warden, claude-code or codex (imported transcripts)" });
  all = Option.Boolean("--all", false, { description: "Include archived sessions" });
  limit = Option.String("--limit", "50", { description: "Page size (1-1000)" });
  cursor = Option.String("--cursor", { description: "nextCursor of the previous page" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../../read-through.js");
    const { listSessions } = await import("../../../projection/read.js");
    const { sessionsTable } = await import("../../session-format.js");
    const { parseParams } = await import("../../params.js");
    const q = parseParams("sessions.list", {
      host: this.host,
      state: this.state,
      source: this.source,
      archived: this.all || undefined,
      limit: parseCount(this.limit, "--limit", 1, 1000),
      cursor: this.cursor,
    });
    const r = await readThrough("sessions.list", q, this.noDaemon, (db) => listSessions(db, q));
    const human = r.sessions.length ? sessionsTable(r.sessions) + (r.nextCursor ? `\n(more: --cursor ${r.nextCursor})` : "") : "no sessions";
    this.print(human, r);
    return 0;
  }
}
