import { Command, Option } from "clipanion";
import { WardenError } from "../../platform/errors.js";
import { WardenCommand } from "../base.js";
import { parseCount } from "../options.js";

export class SearchCommand extends WardenCommand {
  static override paths = [["search"]];
  static override usage = Command.Usage({
    category: "History",
    description: "Full-text search over sessions and imported transcripts",
    details: `
      Searches the masked text of everything recorded: terminal output and typed input of warden sessions, notes, and the messages, tool calls and tool results of Claude Code and Codex transcripts the sync engine imported. Secrets were masked before anything was indexed, so results show \`[MASKED:<rule>]\` where one was.

      The query is plain words, all of which must occur (the last one also matches as a prefix). --fts passes it to SQLite FTS5 as is: AND, OR, NOT, "exact phrases", NEAR(a b, 5), prefix*.

      One line per hit: session, seq, kind, time, then the passage with the matches between « and ». From the daemon, or with --no-daemon (or no daemon running) from the projection file read-only.
    `,
    examples: [
      ["Find a failure", "warden search migration failed"],
      ["In Claude Code transcripts since November", "warden search --source claude-code --since 2026-11-01 docker compose"],
      ["An FTS5 query, as JSON", "warden search --fts '\"permission denied\" OR EACCES' --json"],
    ],
  });

  words = Option.Rest({ required: 1 });
  fts = Option.Boolean("--fts", false, { description: "The query is FTS5 syntax" });
  session = Option.String("--session", { description: "Only this session" });
  host = Option.String("--host", { description: "Only this host's sessions" });
  source = Option.String("--source", { description: "warden, claude-code or codex" });
  kind = Option.String("--kind", { description: "Only events of this kind (output, input, user, assistant, tool_call, tool_result, …)" });
  since = Option.String("--since", { description: "Only events at or after this time (ISO-8601 or a duration ago, e.g. 2h)" });
  limit = Option.String("--limit", "20", { description: "Results per page (1-500)" });
  cursor = Option.String("--cursor", { description: "nextCursor of the previous page" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the projection file directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../read-through.js");
    const { search } = await import("../../projection/read.js");
    const { parseParams } = await import("../params.js");
    const { parseSince } = await import("../times.js");
    const q = parseParams("search.query", {
      q: this.words.join(" "),
      syntax: this.fts ? "fts" : "words",
      session: this.session,
      host: this.host,
      source: this.source,
      kind: this.kind,
      since: this.since === undefined ? undefined : parseSince(this.since, "--since"),
      limit: parseCount(this.limit, "--limit", 1, 500),
      cursor: this.cursor,
    });
    const r = await readThrough("search.query", q, this.noDaemon, (db) => search(db, q)).catch((err: unknown) => {
      // A --session that names no session is a mistake in the command, not a failed search.
      if (q.session !== undefined && (err as { kind?: string }).kind === "not_found")
        throw new WardenError("usage", `--session ${q.session}: no such session`, { option: "--session" });
      throw err;
    });
    const { table } = await import("../table.js");
    const hits = table(r.results, [
      { header: "SESSION#SEQ", cell: (h) => `${h.session}#${h.seq}` },
      { header: "KIND", cell: (h) => h.kind },
      { header: "TIME", cell: (h) => h.ts },
      { header: "MATCH", cell: (h) => h.snippet.replace(/\s+/g, " ") },
    ]);
    const human = r.results.length ? hits + (r.nextCursor ? `\n(more: --cursor ${r.nextCursor})` : "") : "no matches";
    this.print(human, r);
    return 0;
  }
}
