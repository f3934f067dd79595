// Every read of the projection, each query prepared once per database. One reader per connection
// (`ProjectionReader.of(db)`): the daemon's ProjectionStore.reader follows a rebuild or restore
// to the new database; the supervisor, the event hub, sinks and the no-daemon reads (read.ts)
// use the same class, so they all answer the same in the same shape.
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import { RpcError } from "../rpc/errors.js";
import { loadEvents } from "./event-data.js";
import {
  badParam,
  decodeCursor,
  encodeCursor,
  EVENTS_PAGE_BYTES,
  sessionOut,
  TOOL_ID_PREFIXES,
  wordsQuery,
  type AuditQuery,
  type EventsQuery,
  type SearchQuery,
  type Session,
  type SessionsQuery,
} from "./read-wire.js";
import type { StoredEvent, StoredSession } from "./rows.js";

const readers = new WeakMap<Database.Database, ProjectionReader>();

const EVENT_COLUMNS = "session, seq, ts, kind, data, src_offset, src_length, mask_version";

export class ProjectionReader {
  private readonly statements = new Map<string, Database.Statement>();
  private cols: { session: string; event: string } | null = null;

  private constructor(readonly db: Database.Database) {}

  /** The reader of `db`, made on its first use and kept as long as `db` is. */
  static of(db: Database.Database): ProjectionReader {
    let reader = readers.get(db);
    if (!reader) readers.set(db, (reader = new ProjectionReader(db)));
    return reader;
  }

  /** `sql`, prepared on its first use: a file from an older warden may lack what other queries need. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Column lists; a projection written by an older warden lacks the newer columns: their defaults are read. */
  private get columns(): { session: string; event: string } {
    if (this.cols) return this.cols;
    const has = (table: string, col: string) =>
      (this.db.prepare(`SELECT count(*) AS n FROM pragma_table_info('${table}') WHERE name = ?`).get(col) as { n: number }).n > 0;
    const session = [
      "id, host, kind, title, state, created_at, updated_at, last_seq, meta, archived, info",
      has("sessions", "source") ? "source" : "'warden' AS source",
      has("sessions", "source_missing") ? "source_missing" : "0 AS source_missing",
      has("sessions", "rev") ? "rev" : "0 AS rev",
    ].join(", ");
    const event = has("events", "mask_version") ? EVENT_COLUMNS : EVENT_COLUMNS.replace("mask_version", "0 AS mask_version");
    return (this.cols = { session, event });
  }

  /** In a read transaction: one consistent snapshot of the projection for `fn`. */
  snapshot<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- sessions

  /** The session with exactly this id. */
  session(id: string): StoredSession | undefined {
    return this.stmt(`SELECT ${this.columns.session} FROM sessions WHERE id = ?`).get(id) as StoredSession | undefined;
  }

  /** The session `id` names: its own id, or the tool's id of an imported session. */
  findSession(id: string): StoredSession | undefined {
    return this.session(id) ?? TOOL_ID_PREFIXES.map((p) => this.session(p + id)).find(Boolean);
  }

  getSession(id: string): Session {
    return sessionOut(this.existing(id));
  }

  /** Every session (of one host), by host and id. */
  sessions(onlyHost?: string): StoredSession[] {
    const cols = this.columns.session;
    if (onlyHost === undefined) return this.stmt(`SELECT ${cols} FROM sessions ORDER BY host, id`).all() as StoredSession[];
    return this.stmt(`SELECT ${cols} FROM sessions WHERE host = ? ORDER BY id`).all(onlyHost) as StoredSession[];
  }

  /** Ids of `host`'s sessions the projection shows running. */
  runningSessions(host: string): string[] {
    return (this.stmt("SELECT id FROM sessions WHERE host = ? AND state = 'running'").all(host) as Array<{ id: string }>).map((r) => r.id);
  }

  listSessions(q: SessionsQuery): ResultOf<"sessions.list"> {
    const after = decodeCursor<{ id: string; created?: string }>(q.cursor);
    const where = q.archived ? ["1 = 1"] : ["archived = 0"];
    const args: Record<string, unknown> = { limit: q.limit + 1 };
    if (q.host) where.push("host = @host"), (args.host = q.host);
    if (q.state) where.push("state = @state"), (args.state = q.state);
    if (q.source) where.push("source = @source"), (args.source = q.source);
    if (after) where.push("(created_at, id) < (@created, @after)"), (args.after = after.id), (args.created = after.created ?? "");
    // Newest first by creation time: imported sessions' ids are not time-ordered like UUIDv7s.
    const sql = `SELECT ${this.columns.session} FROM sessions WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    const rows = this.stmt(sql).all(args) as StoredSession[];
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { sessions: page.map(sessionOut), nextCursor: more && last ? encodeCursor({ id: last.id, created: last.created_at }) : null };
  }

  // ---- events

  /** All of a session's events in seq order, streamed (no other statement may run on the connection meanwhile). */
  events(session: string): IterableIterator<StoredEvent> {
    return this.stmt(`SELECT ${this.columns.event} FROM events WHERE session = ? ORDER BY seq`).iterate(session) as IterableIterator<StoredEvent>;
  }

  /** Newest first, streamed: leaving the loop early ends the statement. */
  eventsNewestFirst(session: string): IterableIterator<StoredEvent> {
    return this.stmt(`SELECT ${this.columns.event} FROM events WHERE session = ? ORDER BY seq DESC`).iterate(session) as IterableIterator<StoredEvent>;
  }

  /** Up to `limit` events with seq above `after`. */
  eventsAfter(session: string, after: number, limit: number): StoredEvent[] {
    return this.eventsAfterStmt().all(session, after, limit) as StoredEvent[];
  }

  private eventsAfterStmt(): Database.Statement {
    return this.stmt(`SELECT ${this.columns.event} FROM events WHERE session = ? AND seq > ? ORDER BY seq LIMIT ?`);
  }

  /** events.read: a page of the session's events (loaded from their ledger lines where the rows only point at them). */
  readEvents(q: EventsQuery, home: string): ResultOf<"events.read"> {
    const session = this.existing(q.session);
    const rows: StoredEvent[] = [];
    let bytes = 0;
    for (const r of this.eventsAfterStmt().iterate(session.id, q.after, q.limit) as Iterable<StoredEvent>) {
      rows.push(r);
      bytes += r.src_length;
      if (bytes >= EVENTS_PAGE_BYTES) break; // leaving the loop ends the statement
    }
    return { events: loadEvents(rows, home, session.host), lastSeq: session.last_seq };
  }

  // ---- audit, counts, search

  listAudit(q: AuditQuery): ResultOf<"audit.list"> {
    const after = decodeCursor<{ ts: string; host: string; seq: number }>(q.cursor);
    const where = ["1 = 1"];
    const args: Record<string, unknown> = { limit: q.limit + 1 };
    if (q.host) where.push("host = @host"), (args.host = q.host);
    if (q.since) where.push("ts >= @since"), (args.since = new Date(q.since).toISOString()); // rows hold UTC ISO times
    if (after) {
      where.push("(ts, host, seq) < (@ats, @ahost, @aseq)");
      Object.assign(args, { ats: after.ts, ahost: after.host, aseq: after.seq });
    }
    const sql = `SELECT host, seq, ts, record FROM audit WHERE ${where.join(" AND ")} ORDER BY ts DESC, host DESC, seq DESC LIMIT @limit`;
    const rows = this.stmt(sql).all(args) as Array<{ host: string; seq: number; ts: string; record: string }>;
    const more = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      records: page.map((r) => JSON.parse(r.record) as Record<string, unknown>),
      nextCursor: more && last ? encodeCursor({ ts: last.ts, host: last.host, seq: last.seq }) : null,
    };
  }

  /** Exact row counts (count(*) each): for no-daemon status; the daemon counts from its watermarks. */
  counts(): Record<"sessions" | "events" | "audit" | "approvals", number> {
    const n = (t: string) => (this.stmt(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { sessions: n("sessions"), events: n("events"), audit: n("audit"), approvals: n("approvals") };
  }

  /** search.query over the FTS5 index (search_docs holds masked text only). */
  search(q: SearchQuery): ResultOf<"search.query"> {
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
    if (q.session) where.push("d.session = @session"), (args.session = this.existing(q.session).id);
    if (q.host) where.push("s.host = @host"), (args.host = q.host);
    if (q.source) where.push("s.source = @source"), (args.source = q.source);
    if (q.kind) where.push("d.kind = @kind"), (args.kind = q.kind);
    if (q.since) where.push("d.ts >= @since"), (args.since = new Date(q.since).toISOString()); // rows hold UTC ISO times
    const sql = `SELECT d.session, d.seq, d.ts, d.kind, s.host, s.source, s.title, snippet(search, 0, '«', '»', '…', 24) AS snippet
    FROM search JOIN search_docs d ON d.id = search.rowid JOIN sessions s ON s.id = d.session
    WHERE ${where.join(" AND ")} ORDER BY rank LIMIT @limit OFFSET @offset`;
    let rows: Array<ResultOf<"search.query">["results"][number]>;
    try {
      rows = this.stmt(sql).all(args) as typeof rows;
    } catch (err) {
      const message = (err as Error).message;
      if (/fts5|syntax error|unterminated|no such column/i.test(message)) throw badParam("q", `not a valid FTS5 query: ${message}`);
      throw err;
    }
    const more = rows.length > q.limit;
    const results = rows.slice(0, q.limit);
    return { results, nextCursor: more ? encodeCursor({ offset: offset + q.limit }) : null };
  }

  /** The session `id` names, or not_found. */
  private existing(id: string): StoredSession {
    const row = this.findSession(id);
    if (!row) throw new RpcError("not_found", `no session ${id}`, { session: id });
    return row;
  }
}
