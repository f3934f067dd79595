// Events as they leave for PostgreSQL (the projection's rows are read by ProjectionReader): data
// loaded from the ledger line where the projection only points at it, masked once more, made
// PostgreSQL-safe.
import { maskValue } from "../../masking/masker.js";
import type { SecretValues } from "../../masking/secret-values.js";
import { loadEvents } from "../../projection/event-data.js";
import type { StoredEvent } from "../../projection/rows.js";
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

/** One push's outgoing events, and what was masked in them. */
export class OutgoingEvents {
  /** Matches masked in event data loaded from ledger lines, per rule. */
  readonly hits: Record<string, number> = {};

  constructor(
    private readonly home: string,
    private readonly secrets: SecretValues,
  ) {}

  /**
   * Events as PostgreSQL gets them. Inline data is already masked (the projection holds nothing
   * else); data loaded from a ledger line is masked again here before it leaves the machine.
   * Throws (RpcError unavailable, reason source_changed) when a ledger line is not where the row
   * points.
   */
  of(host: string, rows: StoredEvent[]): OutEvent[] {
    const out: OutEvent[] = [];
    let pending: StoredEvent[] = [];
    let pendingBytes = 0;
    const loadPending = () => {
      if (pending.length === 0) return;
      const loaded = loadEvents(pending, this.home, host);
      for (const [i, r] of pending.entries()) out.push(outEvent(host, r, JSON.stringify(maskValue(loaded[i]!.data, this.secrets, this.hits))));
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

const outEvent = (host: string, r: StoredEvent, data: string): OutEvent => ({
  host,
  session: r.session,
  seq: r.seq,
  ts: pgText(r.ts),
  kind: pgText(r.kind),
  data: pgJson(data),
});
