// The screen of a PTY session that is no longer running (or whose live screen was lost): rebuilt
// by feeding its recorded output, from the last REPLAY_BYTES of it, to a fresh emulator.
import { isEvent } from "../ledger/event-map.js";
import { decodeBytes } from "../ledger/events.js";
import { loadEvents } from "../projection/event-data.js";
import type { ProjectionReader } from "../projection/reader.js";
import type { StoredEvent } from "../projection/rows.js";
import type { ScreenSnapshot } from "./screen-protocol.js";
import type { Screens } from "./screens.js";

const REPLAY_BYTES = 4 * 1024 * 1024;
let nextReplay = 1;

type Row = StoredEvent;

export async function replayScreen(reader: ProjectionReader, home: string, screens: Screens, session: string, scrollback: number): Promise<ScreenSnapshot> {
  const { host } = reader.session(session)!;
  const sizeOf = (r: Row) => sizeIn(loadEvents([r], home, host)[0]!.data);
  // Newest first until enough output is gathered; then the size in force where the window starts.
  const window: Row[] = [];
  let bytes = 0;
  let size: { cols: number; rows: number } | null = null;
  let lastSeq = 0;
  for (const r of reader.eventsNewestFirst(session)) {
    lastSeq = Math.max(lastSeq, r.seq);
    if (r.kind === "output" && bytes < REPLAY_BYTES) {
      window.push(r);
      bytes += r.src_length;
    } else if ((r.kind === "resize" || r.kind === "launch") && bytes < REPLAY_BYTES) {
      window.push(r);
    } else if ((r.kind === "resize" || r.kind === "launch") && !size) {
      size = sizeOf(r);
      break;
    }
  }
  window.reverse();
  const events = loadEvents(window, home, host);
  const first = window.find((r) => r.kind === "launch" || r.kind === "resize");
  const start = size ?? (first ? sizeOf(first) : { cols: 80, rows: 24 });
  const id = `replay-${nextReplay++}`;
  screens.open(id, start.cols, start.rows, Math.max(scrollback, 0), 0);
  try {
    for (const e of events) {
      if (isEvent(e, "output")) screens.feed(id, decodeBytes(e.data), e.seq);
      else if (isEvent(e, "resize")) screens.resize(id, Number(e.data.cols), Number(e.data.rows), e.seq);
    }
    const snap = await screens.snapshot(id, scrollback);
    return { ...snap, seq: lastSeq };
  } finally {
    screens.close(id);
  }
}

function sizeIn(d: { cols?: unknown; rows?: unknown }): { cols: number; rows: number } {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 2 && (n as number) <= 1000;
  return { cols: ok(d.cols) ? (d.cols as number) : 80, rows: ok(d.rows) ? (d.rows as number) : 24 };
}
