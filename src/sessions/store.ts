// The durable side of event streams: the projection (indexed), or, when it is behind or being
// rebuilt, this host's ledger file itself.
import { existsSync } from "node:fs";
import { parseEvent, type LedgerEvent } from "../ledger/events.js";
import { scanLines } from "../ledger/jsonl.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { loadEvents } from "../projection/event-data.js";
import type { ProjectionStore } from "../projection/store.js";
import type { EventStore } from "./hub.js";

export class DurableEvents implements EventStore {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly projection: ProjectionStore,
  ) {}

  lastSeq(session: string): number | null {
    if (existsSync(this.writer.pathOf(session))) return this.writer.lastSeq(session);
    return this.projection.reader.session(session)?.last_seq ?? null;
  }

  readAfter(session: string, after: number, limit: number): LedgerEvent[] {
    if (!this.projection.readable) return this.readFile(session, after, limit);
    const reader = this.projection.reader;
    const rows = reader.eventsAfter(session, after, limit);
    if (rows.length > 0 && rows[0]!.seq === after + 1) return loadEvents(rows, this.projection.home, reader.session(session)!.host);
    return this.readFile(session, after, limit);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Slow path (a scan from the start of the file): only while the projection lags. */
  private readFile(session: string, after: number, limit: number): LedgerEvent[] {
    const out: LedgerEvent[] = [];
    if (!existsSync(this.writer.pathOf(session))) return out; // another host's: only the projection has it
    scanLines(this.writer.pathOf(session), 0, (line) => {
      const e = parseEvent(line);
      if (e && e.seq > after) out.push(e);
      return out.length < limit;
    });
    return out;
  }
}
