// Events as readers get them: from the projection row, or, for an event whose line was too long
// to keep inline (terminal output), from that line in its source file, where the row points.
import { closeSync, openSync, readSync } from "node:fs";
import { parseEvent, type LedgerEvent } from "../ledger/events.js";
import { RpcError } from "../rpc/errors.js";
import type { EventRow } from "./rows.js";
import { ledgerSource } from "./sources.js";

/** `rows` of one session (of `host`), in the order given. */
export function loadEvents(rows: Array<Omit<EventRow, "src_offset"> & { src_offset: number }>, home: string, host: string): LedgerEvent[] {
  if (rows.length === 0) return [];
  const path = ledgerSource(home, host, rows[0]!.session).path;
  let fd: number | null = null;
  const stale = (r: { seq: number; src_offset: number }) =>
    new RpcError("unavailable", `event ${r.seq} is no longer at byte ${r.src_offset} of ${path}; rebuild the projection (warden daemon rebuild)`, {
      reason: "source_changed",
      path,
    });
  try {
    return rows.map((r) => {
      if (r.data !== null) return { v: 1, session: r.session, seq: r.seq, ts: r.ts, kind: r.kind, data: JSON.parse(r.data) as Record<string, unknown> };
      try {
        fd ??= openSync(path, "r");
      } catch {
        throw stale(r);
      }
      const buf = Buffer.allocUnsafe(r.src_length);
      const n = readSync(fd, buf, 0, r.src_length, r.src_offset);
      const e = n === r.src_length ? parseEvent(buf.toString("utf8")) : null;
      if (!e || e.session !== r.session || e.seq !== r.seq) throw stale(r);
      return e;
    });
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
