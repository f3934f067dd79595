// The push's side of the projection: its sessions and events as read (statements prepared once),
// and events as they leave for PostgreSQL — data loaded from the ledger line where the projection
// only points at it, masked once more, made PostgreSQL-safe.
import type Database from "better-sqlite3";
import { maskValue } from "../../masking/masker.js";
import type { SecretValues } from "../../masking/secret-values.js";
import { loadEvents } from "../../projection/event-data.js";
import type { LocalEvent, LocalSession } from "./fingerprint.js";
import { pgJson, pgText } from "./pg-values.js";

/** An events row as PostgreSQL gets it. */
export interface OutEvent {
  host: string;
  session: string;
  seq: number;
  ts: string;
  kind: string;
  data: string;
}

/** Pointer rows loaded from their ledger file at most this many bytes at a time. */
const LOAD_CHUNK_BYTES = 4 * 1024 * 1024;

const EVENT_COLUMNS = "session, seq, ts, kind, data, src_offset, src_length, mask_version";

export class LocalReader {
  private readonly s: ReturnType<LocalReader["prepare"]>;
  /** Matches masked in event data loaded from ledger lines, per rule. */
  readonly hits: Record<string, number> = {};

  constructor(
    readonly db: Database.Database,
    private readonly home: string,
    private readonly secrets: SecretValues,
  ) {
    this.s = this.prepare();
  }

  private prepare() {
    // A projection written by an older warden lacks the newer columns: read their defaults.
    const has = (table: string, col: string) => (this.db.prepare(`SELECT count(*) AS n FROM pragma_table_info('${table}') WHERE name = ?`).get(col) as { n: number }).n > 0;
    const sessionCols = [
      "id, host, kind, title, state, created_at, updated_at, last_seq, meta, archived, info",
      has("sessions", "source") ? "source" : "'warden' AS source",
      has("sessions", "source_missing") ? "source_missing" : "0 AS source_missing",
      has("sessions", "rev") ? "rev" : "0 AS rev",
    ].join(", ");
    const eventCols = has("events", "mask_version") ? EVENT_COLUMNS : EVENT_COLUMNS.replace("mask_version", "0 AS mask_version");
    return {
      all: this.db.prepare(`SELECT ${sessionCols} FROM sessions ORDER BY host, id`),
      ofHost: this.db.prepare(`SELECT ${sessionCols} FROM sessions WHERE host = ? ORDER BY id`),
      one: this.db.prepare(`SELECT ${sessionCols} FROM sessions WHERE id = ?`),
      events: this.db.prepare(`SELECT ${eventCols} FROM events WHERE session = ? ORDER BY seq`),
      page: this.db.prepare(`SELECT ${eventCols} FROM events WHERE session = ? AND seq > ? ORDER BY seq LIMIT ?`),
    };
  }

  sessions(onlyHost?: string): LocalSession[] {
    return (onlyHost === undefined ? this.s.all.all() : this.s.ofHost.all(onlyHost)) as LocalSession[];
  }

  session(id: string): LocalSession | undefined {
    return this.s.one.get(id) as LocalSession | undefined;
  }

  /** All of a session's events in seq order, streamed (no other statement may run meanwhile). */
  events(id: string): IterableIterator<LocalEvent> {
    return this.s.events.iterate(id) as IterableIterator<LocalEvent>;
  }

  /** Up to `limit` events with seq > `after`. */
  page(id: string, after: number, limit: number): LocalEvent[] {
    return this.s.page.all(id, after, limit) as LocalEvent[];
  }

  /** In a read transaction: one consistent snapshot of the projection for `fn`. */
  snapshot<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Events as PostgreSQL gets them. Inline data is already masked (the projection holds nothing
   * else); data loaded from a ledger line is masked again here before it leaves the machine.
   * Throws (RpcError unavailable, reason source_changed) when a ledger line is not where the row
   * points.
   */
  outgoing(host: string, rows: LocalEvent[]): OutEvent[] {
    const out: OutEvent[] = [];
    let pending: LocalEvent[] = [];
    let pendingBytes = 0;
    const loadPending = () => {
      if (pending.length === 0) return;
      const loaded = loadEvents(pending, this.home, host);
      pending.forEach((r, i) => out.push(outEvent(host, r, JSON.stringify(maskValue(loaded[i]!.data, this.secrets, this.hits)))));
      pending = [];
      pendingBytes = 0;
    };
    for (const r of rows) {
      if (r.data !== null) {
        loadPending();
        out.push(outEvent(host, r, r.data));
      } else {
        pending.push(r);
        pendingBytes += r.src_length;
        if (pendingBytes >= LOAD_CHUNK_BYTES) loadPending();
      }
    }
    loadPending();
    return out;
  }
}

const outEvent = (host: string, r: LocalEvent, data: string): OutEvent => ({
  host,
  session: r.session,
  seq: r.seq,
  ts: pgText(r.ts),
  kind: pgText(r.kind),
  data: pgJson(data),
});
