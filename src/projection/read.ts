// Reads of the projection, shared by the daemon's methods and by no-daemon reads (which open the
// same file read-only), so both give the same answers in the same shape.
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import { RpcError } from "../rpc/errors.js";
import { loadEvents } from "./event-data.js";
import type { EventRow, ProcessInfo, SessionRow } from "./rows.js";

type Session = ResultOf<"sessions.get">;

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
function decode<T>(cursor: string | undefined): T | null {
  if (!cursor) return null;
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as T;
  } catch {
    throw new RpcError("invalid_params", "cursor is not one this daemon gave out", { issues: [{ code: "custom", path: ["cursor"], message: "unknown cursor" }] });
  }
}

export function sessionOut(r: SessionRow): Session {
  return {
    id: r.id,
    host: r.host,
    kind: r.kind,
    title: r.title,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastSeq: r.last_seq,
    meta: r.meta === null ? null : (JSON.parse(r.meta) as unknown),
    archived: r.archived === 1,
    live: null,
    process: r.info === null ? null : (JSON.parse(r.info) as ProcessInfo),
    source: (r.source ?? "warden") as Session["source"],
    sourceMissing: r.source_missing === 1,
  };
}

export function listSessions(db: Database.Database, q: { host?: string; state?: string; source?: string; archived?: boolean; limit: number; cursor?: string }): ResultOf<"sessions.list"> {
  const after = decode<{ id: string; created?: string }>(q.cursor);
  const where = q.archived ? ["1 = 1"] : ["archived = 0"];
  const args: Record<string, unknown> = { limit: q.limit + 1 };
  if (q.host) (where.push("host = @host"), (args.host = q.host));
  if (q.state) (where.push("state = @state"), (args.state = q.state));
  if (q.source) (where.push("source = @source"), (args.source = q.source));
  if (after) (where.push("(created_at, id) < (@created, @after)"), (args.after = after.id), (args.created = after.created ?? ""));
  // Newest first by creation time: imported sessions' ids are not time-ordered like UUIDv7s.
  const rows = db.prepare(`SELECT * FROM sessions WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT @limit`).all(args) as SessionRow[];
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { sessions: page.map(sessionOut), nextCursor: more && last ? encode({ id: last.id, created: last.created_at }) : null };
}

/**
 * Imported transcripts' ids are `<prefix><the tool's own session id>` (sync/importers: Claude Code's
 * file uuid, Codex's thread uuid), so a person can name one by the id the tool shows them.
 */
const TOOL_ID_PREFIXES = ["claude-", "codex-"];

function sessionRow(db: Database.Database, id: string): SessionRow | undefined {
  const byId = db.prepare("SELECT * FROM sessions WHERE id = ?");
  return (byId.get(id) as SessionRow | undefined) ?? TOOL_ID_PREFIXES.map((p) => byId.get(p + id) as SessionRow | undefined).find(Boolean);
}

/** The session's id in the projection: `id` itself, or the imported session whose tool id it is. */
export function resolveSessionId(db: Database.Database, id: string): string {
  return sessionRow(db, id)?.id ?? id;
}

export function getSession(db: Database.Database, id: string): Session {
  const row = sessionRow(db, id);
  if (!row) throw new RpcError("not_found", `no session ${id}`, { session: id });
  return sessionOut(row);
}

/** A page of events.read stops after this much event data (always at least one event), so a reply stays small. */
export const EVENTS_PAGE_BYTES = 4 * 1024 * 1024;

export function readEvents(db: Database.Database, q: { session: string; after: number; limit: number }, home: string): ResultOf<"events.read"> {
  const session = getSession(db, q.session);
  const rows: EventRow[] = [];
  let bytes = 0;
  for (const r of db.prepare("SELECT * FROM events WHERE session = ? AND seq > ? ORDER BY seq LIMIT ?").iterate(session.id, q.after, q.limit) as Iterable<EventRow>) {
    rows.push(r);
    bytes += r.src_length;
    if (bytes >= EVENTS_PAGE_BYTES) break; // leaving the loop ends the statement
  }
  return { events: loadEvents(rows, home, session.host), lastSeq: session.lastSeq };
}

export function listAudit(db: Database.Database, q: { host?: string; since?: string; limit: number; cursor?: string }): ResultOf<"audit.list"> {
  const after = decode<{ ts: string; host: string; seq: number }>(q.cursor);
  const where = ["1 = 1"];
  const args: Record<string, unknown> = { limit: q.limit + 1 };
  if (q.host) (where.push("host = @host"), (args.host = q.host));
  if (q.since) (where.push("ts >= @since"), (args.since = new Date(q.since).toISOString())); // rows hold UTC ISO times
  if (after) {
    where.push("(ts, host, seq) < (@ats, @ahost, @aseq)");
    Object.assign(args, { ats: after.ts, ahost: after.host, aseq: after.seq });
  }
  const rows = db.prepare(`SELECT host, seq, ts, record FROM audit WHERE ${where.join(" AND ")} ORDER BY ts DESC, host DESC, seq DESC LIMIT @limit`).all(args) as Array<{
    host: string;
    seq: number;
    ts: string;
    record: string;
  }>;
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { records: page.map((r) => JSON.parse(r.record) as Record<string, unknown>), nextCursor: more && last ? encode({ ts: last.ts, host: last.host, seq: last.seq }) : null };
}

export function counts(db: Database.Database): Record<"sessions" | "events" | "audit" | "approvals", number> {
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { sessions: n("sessions"), events: n("events"), audit: n("audit"), approvals: n("approvals") };
}
