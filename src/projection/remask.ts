// Rewrites, masked, the rows of history imported or recorded before a value was known to be
// secret (a vault unlocked later, a value added to it). Events are scanned in key order, a batch
// at a time, by exact match on their stored text; search documents are found through the search
// index (a phrase of each form's tokens), then checked exactly; sessions' titles and metadata are
// a small table, checked whole; rows of a re-import being built apart (staged) too. Every write goes
// through the one writer connection.
import { marker } from "../masking/rules.js";
import type { SecretValues } from "../masking/secret-values.js";
import { loadEvents } from "./event-data.js";
import type { Projection } from "./projection.js";
import type { EventRow } from "./rows.js";

export interface RemaskCursor {
  session: string;
  seq: number;
}

export interface RemaskCounts {
  scanned: number;
  rewritten: number;
  /** Rewritten rows of warden's own ledgers: their source line holds the value in clear. */
  ledgerRows: number;
}

const nextRev = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

/** Only the exact forms of the new values: the rules masked these rows already, and must not touch them again (base64 data). */
const holds = (text: string, only: SecretValues) => only.texts().some((f) => text.includes(f));

function maskText(text: string, only: SecretValues): { text: string } {
  let out = text;
  for (const f of only.texts()) if (out.includes(f)) out = out.split(f).join(marker("secret")); // longest first
  return { text: out };
}

function maskStrings(v: unknown, only: SecretValues): unknown {
  if (typeof v === "string") return maskText(v, only).text;
  if (Array.isArray(v)) return v.map((x) => maskStrings(x, only));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskStrings(x, only)]));
  return v;
}

/** A JSON text with every form of `only` masked: as text when that still parses, else string by string. */
function maskJson(data: string, only: SecretValues): string {
  const m = maskText(data, only);
  try {
    JSON.parse(m.text);
    return m.text;
  } catch {
    return JSON.stringify(maskStrings(JSON.parse(data), only));
  }
}

/**
 * One batch of events after `after` (null: from the start): rows holding a form of `only` are
 * rewritten with their search documents. Returns where the next batch starts (null: done).
 */
export function remaskEvents(p: Projection, only: SecretValues, after: RemaskCursor | null, limit: number, counts: RemaskCounts): RemaskCursor | null {
  const db = p.db;
  // The exact check runs in SQLite (instr per form): only the rows that hold a form come out.
  const forms = only.texts();
  const hit = forms.length === 0 ? "0" : forms.map(() => "instr(data, ?) > 0").join(" OR ");
  const rows = (
    after
      ? db
          .prepare(`SELECT session, seq, (${hit}) AS hit FROM events WHERE (session, seq) > (?, ?) ORDER BY session, seq LIMIT ?`)
          .all(...forms, after.session, after.seq, limit)
      : db.prepare(`SELECT session, seq, (${hit}) AS hit FROM events ORDER BY session, seq LIMIT ?`).all(...forms, limit)
  ) as Array<{ session: string; seq: number; hit: number | null }>;
  const getData = db.prepare("SELECT data FROM events WHERE session = ? AND seq = ?");
  const hits = rows.filter((r) => r.hit === 1).map((r) => ({ ...r, data: (getData.get(r.session, r.seq) as { data: string }).data }));
  counts.scanned += rows.length;
  if (hits.length > 0) {
    const setData = db.prepare("UPDATE events SET data = ? WHERE session = ? AND seq = ?");
    const getDoc = db.prepare("SELECT id, text FROM search_docs WHERE session = ? AND seq = ?");
    const setDoc = db.prepare("UPDATE search_docs SET text = ? WHERE id = ?");
    const bump = db.prepare("UPDATE sessions SET rev = max(?, rev + 1) WHERE id = ?");
    const source = db.prepare("SELECT source FROM sessions WHERE id = ?");
    db.transaction(() => {
      const sessions = new Set<string>();
      for (const r of hits) {
        setData.run(maskJson(r.data!, only), r.session, r.seq);
        const doc = getDoc.get(r.session, r.seq) as { id: number; text: string } | undefined;
        if (doc) {
          const m = maskText(doc.text, only);
          if (m.text !== doc.text) setDoc.run(m.text, doc.id);
        }
        sessions.add(r.session);
        counts.rewritten++;
        if ((source.get(r.session) as { source: string } | undefined)?.source === "warden") counts.ledgerRows++;
      }
      for (const s of sessions) bump.run(nextRev(), s);
    })();
  }
  const last = rows.at(-1);
  return rows.length < limit || !last ? null : { session: last.session, seq: last.seq };
}

/**
 * Rows of a transcript being re-imported apart (staged_events: swapped into events in the
 * transaction of its final batch) holding a form of `only`, rewritten with their search text:
 * those staged before the value was known would otherwise be swapped in as they are.
 */
export function remaskStaged(p: Projection, only: SecretValues, counts: RemaskCounts): void {
  const db = p.db;
  const forms = only.texts();
  if (forms.length === 0) return;
  const hit = forms.map(() => "instr(data, ?) > 0 OR instr(text, ?) > 0").join(" OR ");
  const rows = db.prepare(`SELECT session, seq, data, text FROM staged_events WHERE ${hit}`).all(...forms.flatMap((f) => [f, f])) as Array<{
    session: string;
    seq: number;
    data: string | null;
    text: string;
  }>;
  if (rows.length === 0) return;
  const set = db.prepare("UPDATE staged_events SET data = ?, text = ? WHERE session = ? AND seq = ?");
  db.transaction(() => {
    for (const r of rows) {
      set.run(r.data === null || !holds(r.data, only) ? r.data : maskJson(r.data, only), maskText(r.text, only).text, r.session, r.seq);
      counts.rewritten++;
    }
  })();
}

/**
 * Search documents holding a form of `only` (found through the index, checked exactly), rewritten;
 * with the event of each, when its data is not kept here but read from its ledger line (a long
 * one): that line holds the value, so the event's masked data is kept here from now on.
 */
export function remaskDocs(p: Projection, only: SecretValues, counts: RemaskCounts, home: string): void {
  const db = p.db;
  const find = db.prepare("SELECT d.id, d.session, d.seq, d.text FROM search JOIN search_docs d ON d.id = search.rowid WHERE search MATCH ?");
  const setDoc = db.prepare("UPDATE search_docs SET text = ? WHERE id = ?");
  const getEvent = db.prepare(
    "SELECT e.session, e.seq, e.ts, e.kind, e.data, e.src_offset, e.src_length, s.host, s.source FROM events e JOIN sessions s ON s.id = e.session WHERE e.session = ? AND e.seq = ?",
  );
  const setData = db.prepare("UPDATE events SET data = ? WHERE session = ? AND seq = ?");
  const bump = db.prepare("UPDATE sessions SET rev = max(?, rev + 1) WHERE id = ?");
  for (const form of only.texts()) {
    const tokens = form.split(/[^\p{L}\p{N}]+/u).filter((t) => t !== "");
    if (tokens.length === 0) continue;
    const rows = find.all(`"${tokens.join(" ")}"`) as Array<{ id: number; session: string; seq: number; text: string }>;
    db.transaction(() => {
      for (const r of rows) {
        const m = maskText(r.text, only);
        if (m.text === r.text) continue;
        setDoc.run(m.text, r.id);
        counts.rewritten++;
        const e = getEvent.get(r.session, r.seq) as (EventRow & { host: string; source: string }) | undefined;
        if (!e || e.data !== null || e.source !== "warden") continue;
        let data: unknown;
        try {
          data = loadEvents([e], home, e.host)[0]!.data;
        } catch {
          continue; // the line moved: a rebuild reads it anew
        }
        const masked = maskStrings(data, only);
        if (JSON.stringify(masked) === JSON.stringify(data)) continue;
        setData.run(JSON.stringify(masked), r.session, r.seq);
        bump.run(nextRev(), r.session);
        counts.ledgerRows++;
      }
    })();
  }
}

/**
 * Sessions whose title, metadata or info hold a form of `only`, rewritten; and the importers'
 * saved states (import_state) that do: a transcript's title is its first prompt, kept there and
 * written again with every later batch.
 */
export function remaskSessions(p: Projection, only: SecretValues, counts: RemaskCounts): void {
  const db = p.db;
  const rows = db.prepare("SELECT id, title, meta, info FROM sessions").all() as Array<{
    id: string;
    title: string | null;
    meta: string | null;
    info: string | null;
  }>;
  const set = db.prepare("UPDATE sessions SET title = ?, meta = ?, info = ?, rev = max(?, rev + 1) WHERE id = ?");
  const forms = only.texts();
  const states =
    forms.length === 0
      ? []
      : (db.prepare(`SELECT path, state FROM import_state WHERE ${forms.map(() => "instr(state, ?) > 0").join(" OR ")}`).all(...forms) as Array<{
          path: string;
          state: string;
        }>);
  const setState = db.prepare("UPDATE import_state SET state = ? WHERE path = ?");
  db.transaction(() => {
    for (const r of rows) {
      const title = r.title === null ? null : maskText(r.title, only).text;
      const meta = r.meta === null || !holds(r.meta, only) ? r.meta : maskJson(r.meta, only);
      const info = r.info === null || !holds(r.info, only) ? r.info : maskJson(r.info, only);
      if (title === r.title && meta === r.meta && info === r.info) continue;
      set.run(title, meta, info, nextRev(), r.id);
      counts.rewritten++;
    }
    for (const r of states) {
      setState.run(maskJson(r.state, only), r.path);
      counts.rewritten++;
    }
  })();
}

/**
 * A transcript batch with every form of `secrets` masked before it is written: its rows when
 * `rows` (the reader thread masked them before a value was known to it: in flight when it was
 * learned), and always its session and the importer's state, which carry text read by earlier
 * jobs (the title is the first prompt). The batch itself when nothing holds one.
 */
export function remaskBatch<B extends { rows: Array<{ data: string; text: string }>; session: unknown; wm?: { state?: string | null } }>(
  batch: B,
  secrets: SecretValues,
  rows = true,
): B {
  if (secrets.size === 0) return batch;
  const masked = rows
    ? batch.rows.map((r) =>
        holds(r.data, secrets) || holds(r.text, secrets) ? { ...r, data: maskJson(r.data, secrets), text: maskText(r.text, secrets).text } : r,
      )
    : batch.rows;
  const session = holds(JSON.stringify(batch.session) ?? "", secrets) ? maskStrings(batch.session, secrets) : batch.session;
  const state = batch.wm?.state;
  const wm = typeof state === "string" && holds(state, secrets) ? { ...batch.wm, state: maskJson(state, secrets) } : batch.wm;
  if (masked.every((r, i) => r === batch.rows[i]) && session === batch.session && wm === batch.wm) return batch;
  return { ...batch, rows: masked, session, wm };
}
