// Writes inside one PostgreSQL transaction, batched: events as multi-row upserts of at most
// BATCH_ROWS rows or BATCH_BYTES bytes per statement (arrays through unnest, so the statement text
// is fixed and prepared once per connection), deletes and session rows one statement each at the
// end. An upsert that finds the row already equal writes nothing (IS DISTINCT FROM), so the
// counters below are PostgreSQL's own: rows actually inserted, updated and deleted.
import type pg from "pg";
import type { StoredSession } from "../../projection/rows.js";
import type { OutEvent } from "./outgoing.js";
import { pgQuery } from "./pg-target.js";
import { pgJson, pgText } from "./pg-values.js";

export const BATCH_ROWS = 500;
export const BATCH_BYTES = 4 * 1024 * 1024;
/** The upper end of "every seq after": seqs stay below 10^12. */
export const SEQ_MAX = 1e12;

const INSERT_EVENTS = `
WITH w AS (
  INSERT INTO warden_events AS e (host, session, seq, ts, kind, data)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[])
  ON CONFLICT (host, session, seq) DO UPDATE SET ts = excluded.ts, kind = excluded.kind, data = excluded.data
    WHERE (e.ts, e.kind, e.data) IS DISTINCT FROM (excluded.ts, excluded.kind, excluded.data)
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM w`;

const DELETE_RANGES = `
DELETE FROM warden_events e
USING unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS r(host, session, lo, hi)
WHERE e.host = r.host AND e.session = r.session AND e.seq BETWEEN r.lo AND r.hi`;

const SESSION_COLUMNS = [
  ["host", "text"],
  ["id", "text"],
  ["kind", "text"],
  ["title", "text"],
  ["state", "text"],
  ["created_at", "text"],
  ["updated_at", "text"],
  ["last_seq", "bigint"],
  ["meta", "jsonb"],
  ["archived", "boolean"],
  ["info", "jsonb"],
  ["source", "text"],
  ["source_missing", "boolean"],
  ["fingerprint", "text"],
  ["events_fingerprint", "text"],
  ["events_last_seq", "bigint"],
] as const;

const UPSERT_SESSIONS = `
WITH w AS (
  INSERT INTO warden_sessions AS s (${SESSION_COLUMNS.map(([c]) => c).join(", ")}, pushed_at)
  SELECT u.*, now() FROM unnest(${SESSION_COLUMNS.map(([, t], i) => `$${i + 1}::${t}[]`).join(", ")}) AS u
  ON CONFLICT (host, id) DO UPDATE SET ${SESSION_COLUMNS.slice(2)
    .map(([c]) => `${c} = excluded.${c}`)
    .join(", ")}, pushed_at = excluded.pushed_at
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM w`;

/** A session row as pushed: its projection fields and what identifies the pushed content. */
export interface OutSession {
  session: StoredSession;
  fingerprint: string;
  eventsFingerprint: string;
  eventsLastSeq: number;
}

export interface WriteCounts {
  insertedRows: number;
  updatedRows: number;
  deletedRows: number;
  insertedSessions: number;
  updatedSessions: number;
}

export class PgWriter {
  readonly counts: WriteCounts = { insertedRows: 0, updatedRows: 0, deletedRows: 0, insertedSessions: 0, updatedSessions: 0 };
  private events: OutEvent[] = [];
  private eventBytes = 0;
  private readonly ranges: Array<[string, string, number, number]> = [];
  private readonly sessions: OutSession[] = [];

  constructor(private readonly client: pg.ClientBase) {}

  async addEvents(rows: OutEvent[]): Promise<void> {
    for (const r of rows) {
      this.events.push(r);
      this.eventBytes += r.data.length + r.ts.length + r.kind.length + r.session.length + 64;
      if (this.events.length >= BATCH_ROWS || this.eventBytes >= BATCH_BYTES) await this.flushEvents();
    }
  }

  /** Deletes the session's PostgreSQL events with seq in [lo, hi] (at finish). */
  deleteRange(host: string, session: string, lo: number, hi: number): void {
    if (lo <= hi) this.ranges.push([host, session, lo, hi]);
  }

  addSession(s: OutSession): void {
    this.sessions.push(s);
  }

  /** Sends everything still held. The caller commits. */
  async finish(): Promise<WriteCounts> {
    await this.flushEvents();
    if (this.ranges.length) {
      const cols = [0, 1, 2, 3].map((i) => this.ranges.map((r) => r[i]));
      const r = await pgQuery(this.client, DELETE_RANGES, cols, "warden_push_delete");
      this.counts.deletedRows += r.rowCount ?? 0;
      this.ranges.length = 0;
    }
    for (let i = 0; i < this.sessions.length; i += BATCH_ROWS) {
      const batch = this.sessions.slice(i, i + BATCH_ROWS).map(sessionValues);
      const cols = SESSION_COLUMNS.map((_, c) => batch.map((row) => row[c]));
      const r = await pgQuery<{ inserted: number; updated: number }>(this.client, UPSERT_SESSIONS, cols, "warden_push_sessions");
      this.counts.insertedSessions += r.rows[0]!.inserted;
      this.counts.updatedSessions += r.rows[0]!.updated;
    }
    this.sessions.length = 0;
    return this.counts;
  }

  private async flushEvents(): Promise<void> {
    if (this.events.length === 0) return;
    const rows = this.events;
    this.events = [];
    this.eventBytes = 0;
    const values = [
      rows.map((r) => r.host),
      rows.map((r) => r.session),
      rows.map((r) => r.seq),
      rows.map((r) => r.ts),
      rows.map((r) => r.kind),
      rows.map((r) => r.data),
    ];
    const r = await pgQuery<{ inserted: number; updated: number }>(this.client, INSERT_EVENTS, values, "warden_push_events");
    this.counts.insertedRows += r.rows[0]!.inserted;
    this.counts.updatedRows += r.rows[0]!.updated;
  }
}

function sessionValues({ session: s, fingerprint, eventsFingerprint, eventsLastSeq }: OutSession): unknown[] {
  return [
    pgText(s.host),
    pgText(s.id),
    pgText(s.kind),
    pgText(s.title),
    pgText(s.state),
    pgText(s.created_at),
    pgText(s.updated_at),
    s.last_seq,
    pgJson(s.meta),
    s.archived !== 0,
    pgJson(s.info),
    pgText(s.source),
    s.source_missing !== 0,
    fingerprint,
    eventsFingerprint,
    eventsLastSeq,
  ];
}
