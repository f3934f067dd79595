// What one session needs sent, decided from its fingerprints against what PostgreSQL holds:
//   skip    the full fingerprint equals PostgreSQL's: nothing at all
//   append  the events up to PostgreSQL's events_last_seq hash the same as what it stored: send
//           only the events after it (and the session row)
//   full    anything else (new session, rewritten or removed events): upsert every event (rows
//           already equal write nothing) and delete PostgreSQL's events the projection lacks
// Read in one snapshot of the projection. A session small enough keeps the rows to send (and
// their outgoing form), so the plan and the rows agree; a larger one is re-read page by page.
import type { Hash } from "node:crypto";
import type { ProjectionReader } from "../../projection/reader.js";
import type { StoredEvent, StoredSession } from "../../projection/rows.js";
import { eventsHasher, hashEvent, peek, sessionFingerprint } from "./fingerprint.js";
import type { OutEvent, OutgoingEvents } from "./outgoing.js";
import { BATCH_BYTES, BATCH_ROWS, SEQ_MAX } from "./pg-writer.js";

/** What PostgreSQL holds for a session. */
export interface PgState {
  fingerprint: string;
  eventsFingerprint: string;
  eventsLastSeq: number;
}

export interface Plan {
  session: StoredSession;
  mode: "skip" | "append" | "full";
  /** PostgreSQL has no row for the session yet. */
  isNew: boolean;
  /** The projection's fingerprints now. */
  fingerprint: string;
  eventsFingerprint: string;
  /** The highest seq in the projection (0: no events). */
  lastSeq: number;
  /** Events with seq above this are sent. */
  after: number;
  /** The events hash state through `after` (append) — where a page-by-page send continues from. */
  prefix: Hash;
  /** The events to send in their outgoing form, when few enough to hold; null: read them in pages. */
  rows: OutEvent[] | null;
  /** PostgreSQL event seqs to delete: gaps among the events sent, and everything past lastSeq. */
  ranges: Array<[number, number]>;
}

interface Held {
  events: StoredEvent[];
  bytes: number;
}

/** Keeps rows while they stay within one batch; null once they do not. */
function hold(h: Held | null, e: StoredEvent): Held | null {
  if (!h) return null;
  h.events.push(e);
  h.bytes += e.data?.length ?? e.src_length;
  return h.events.length > BATCH_ROWS || h.bytes > BATCH_BYTES ? null : h;
}

/** Gap ranges among `seqs` (ascending) counting from `after`, and the range past the last. */
export function deleteRanges(after: number, seqs: Iterable<number>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let expected = after + 1;
  for (const seq of seqs) {
    if (seq > expected) ranges.push([expected, seq - 1]);
    expected = seq + 1;
  }
  ranges.push([expected, SEQ_MAX]);
  return ranges;
}

/** Plans one session (undefined when it no longer exists). Throws when a ledger line it must load is gone. */
export function planSession(reader: ProjectionReader, outgoing: OutgoingEvents, id: string, pg: PgState | undefined): Plan | undefined {
  return reader.snapshot(() => {
    const session = reader.session(id);
    if (!session) return undefined;
    const pgLast = pg?.eventsLastSeq ?? 0;
    const h = eventsHasher();
    let prefix: Hash | null = null;
    let all: Held | null = { events: [], bytes: 0 };
    let tail: Held | null = { events: [], bytes: 0 };
    let lastSeq = 0;
    for (const e of reader.events(id)) {
      if (prefix === null && e.seq > pgLast) prefix = h.copy();
      hashEvent(h, e);
      all = hold(all, e);
      if (e.seq > pgLast) tail = hold(tail, e);
      lastSeq = e.seq;
    }
    prefix ??= h.copy();
    const eventsFingerprint = peek(h);
    const fingerprint = sessionFingerprint(session, eventsFingerprint);
    const base = { session, isNew: pg === undefined, fingerprint, eventsFingerprint, lastSeq, prefix };
    if (pg && fingerprint === pg.fingerprint) return { ...base, mode: "skip", after: lastSeq, rows: [], ranges: [] };
    const append = pg !== undefined && peek(prefix) === pg.eventsFingerprint;
    const after = append ? pgLast : 0;
    const held = append ? tail : all;
    const rows = held ? outgoing.of(session.host, held.events) : null;
    const ranges = held
      ? deleteRanges(
          after,
          held.events.map((e) => e.seq),
        )
      : [];
    return { ...base, mode: append ? "append" : "full", after, rows, ranges };
  });
}
