// search.query over the projection's FTS5 index (search_docs holds masked text only). Shared by
// the daemon and no-daemon reads, so both answer the same.
import type Database from "better-sqlite3";
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import { RpcError } from "../rpc/errors.js";
import { getSession } from "./read.js";

type Query = Omit<ParamsOf<"search.query">, "syntax" | "limit"> & { syntax?: "words" | "fts"; limit: number };

const badParam = (path: string, message: string) => new RpcError("invalid_params", message, { issues: [{ code: "custom", path: [path], message }] });

/** Plain words as an FTS5 query: each one a quoted string (so `-`, `:` and quotes are just text), all required, the last a prefix. */
export function wordsQuery(q: string): string {
  const words = q.split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) throw badParam("q", "the query has no words");
  return words.map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}

export function search(db: Database.Database, q: Query): ResultOf<"search.query"> {
  let offset = 0;
  if (q.cursor) {
    try {
      offset = (JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8")) as { offset: number }).offset;
    } catch {
      offset = -1;
    }
    if (!Number.isInteger(offset) || offset < 0) throw badParam("cursor", "cursor is not one this daemon gave out");
  }
  const where = ["search MATCH @match"];
  const args: Record<string, unknown> = { match: q.syntax === "fts" ? q.q : wordsQuery(q.q), limit: q.limit + 1, offset };
  // A session that is not there is an error, not an empty result (it is found by warden's id or the tool's own).
  if (q.session) (where.push("d.session = @session"), (args.session = getSession(db, q.session).id));
  if (q.host) (where.push("s.host = @host"), (args.host = q.host));
  if (q.source) (where.push("s.source = @source"), (args.source = q.source));
  if (q.kind) (where.push("d.kind = @kind"), (args.kind = q.kind));
  if (q.since) (where.push("d.ts >= @since"), (args.since = new Date(q.since).toISOString())); // rows hold UTC ISO times
  const sql = `SELECT d.session, d.seq, d.ts, d.kind, s.host, s.source, s.title, snippet(search, 0, '«', '»', '…', 24) AS snippet
    FROM search JOIN search_docs d ON d.id = search.rowid JOIN sessions s ON s.id = d.session
    WHERE ${where.join(" AND ")} ORDER BY rank LIMIT @limit OFFSET @offset`;
  let rows: Array<ResultOf<"search.query">["results"][number]>;
  try {
    rows = db.prepare(sql).all(args) as typeof rows;
  } catch (err) {
    const message = (err as Error).message;
    if (/fts5|syntax error|unterminated|no such column/i.test(message)) throw badParam("q", `not a valid FTS5 query: ${message}`);
    throw err;
  }
  const more = rows.length > q.limit;
  const results = rows.slice(0, q.limit);
  return { results, nextCursor: more ? Buffer.from(JSON.stringify({ offset: offset + q.limit })).toString("base64url") : null };
}
