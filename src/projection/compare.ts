// verify and diff: the rows the source files map to, against the rows the projection holds, per
// surface, both streamed in the same key order (never all in memory at once).
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import type { LedgerEvent } from "../ledger/events.js";
import { scanLines } from "../ledger/jsonl.js";
import { maskKnown, type KnownDigests } from "../masking/known-digests.js";
import type { SecretValues } from "../masking/secret-values.js";
import { RpcError } from "../rpc/errors.js";
import { readTranscript } from "../sync/transcript-slice.js";
import { eventRow, foldSession, parseSourceLine, type ApprovalRow, type AuditRow, type EventRow, type SessionRow } from "./rows.js";
import { SURFACES, type Surface } from "./schema.js";
import { discoverSources, isTranscript, type SourceFile } from "./sources.js";
import { transcriptSessionRow } from "./transcript-rows.js";

/**
 * Imported transcripts to compare too: their files (under the configured roots), the sources
 * those roots are (claude-code, codex), and the secrets masked in them (values and digests, as the
 * importer has them).
 */
export interface TranscriptCompare {
  files: SourceFile[];
  sources: string[];
  secrets: SecretValues;
  /** Filled in from the projection: sessions staged (being re-imported). */
  staged?: Set<string>;
}

/** Sessions of these sources are compared: warden's own, and those of the transcript roots given. */
const comparedSources = (t: TranscriptCompare | undefined) => ["warden", ...(t?.sources ?? [])];

/** A file last opened for writing by an older warden (read-only here) may lack the staging table. */
const hasStaging = (db: Database.Database) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'staging'").get() !== undefined;

/** Transcripts being re-imported apart (staged): compared once swapped in, not while half read. */
const stagedSessions = (db: Database.Database) => new Set(hasStaging(db) ? (db.prepare("SELECT session FROM staging").pluck().all() as string[]) : []);

interface Keyed {
  key: string;
  row: string;
}

const pad = (n: number) => String(n).padStart(12, "0");
const k2 = (a: string, n: number) => `${a}\u0000${pad(n)}`;
const sessionLine = (r: SessionRow) => [r.id, r.host, r.kind, r.title, r.state, r.created_at, r.updated_at, r.last_seq, r.meta, r.archived, r.info].join("\t");
const eventLine = (r: EventRow) => [r.session, r.seq, r.ts, r.kind, r.data, r.src_offset, r.src_length].join("\t");
const auditLine = (r: AuditRow) => [r.host, r.seq, r.ts, r.action, r.outcome, r.vault, r.name, r.kind, r.record].join("\t");
const approvalLine = (r: ApprovalRow) => [r.host, r.seq, r.ts, r.record].join("\t");

/** A valid record, and where its line is (events point at it); `inline` when masked on the way in, as catch-up does. */
type Parsed = NonNullable<ReturnType<typeof parseSourceLine>> & { offset: number; length: number; inline?: boolean };
const seqOf = (p: Parsed) => ("event" in p ? p.event.seq : "audit" in p ? p.audit.seq : p.approval.seq);

/**
 * One source file's valid records in file order, up to `limit` bytes (the projection's watermark:
 * what was appended after it is pending, not drift).
 */
function fileRecords(source: SourceFile, limit: number | undefined, known: KnownDigests | null): Parsed[] {
  const out: Parsed[] = [];
  scanLines(
    source.path,
    0,
    (text, end, _lineNo, start) => {
      const p = parseSourceLine(source, text);
      // A ledger line holding a value masked since: the projection's copy is masked (catchup.ts).
      const data = p && known && "event" in p ? maskKnown(p.event.data, known) : undefined;
      if (p && data !== undefined && "event" in p && data !== p.event.data) out.push({ event: { ...p.event, data: data as Record<string, unknown> }, offset: start, length: end - 1 - start, inline: true });
      else if (p) out.push({ ...p, offset: start, length: end - 1 - start });
    },
    { to: limit },
  );
  return out;
}

/** Deduplicated by seq (the last one wins, as INSERT OR REPLACE does), in seq order. */
function bySeq(records: Parsed[]): Parsed[] {
  const m = new Map<number, Parsed>();
  for (const r of records) m.set(seqOf(r), r);
  return [...m.keys()].sort((a, b) => a - b).map((s) => m.get(s)!);
}

/** How far the projection has applied each source file (by relative path). */
export function watermarkLimits(db: Database.Database): Map<string, number> {
  return new Map((db.prepare("SELECT path, offset FROM watermarks").all() as Array<{ path: string; offset: number }>).map((w) => [w.path, w.offset]));
}

/**
 * A transcript's session and events as the importer makes them (read, masked, parsed, folded in
 * one go: the same rows as any number of slices), up to `limit` bytes.
 */
function transcriptRows(source: SourceFile, limit: number | undefined, secrets: SecretValues): { session: SessionRow | null; events: EventRow[] } {
  const st = statSync(source.path, { throwIfNoEntry: false });
  if (!st || limit === 0) return { session: null, events: [] };
  const events = new Map<number, EventRow>();
  let session: SessionRow | null = null;
  readTranscript(source, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }, undefined, { outcome: "new", from: 0, reset: true }, secrets, limit ?? Infinity, (b) => {
    for (const e of b.rows) events.set(e.seq, { session: source.session!, seq: e.seq, ts: e.ts, kind: e.kind, data: e.data, src_offset: e.offset, src_length: e.length });
    if (b.wm.last_seq > 0) session = transcriptSessionRow(b.session, source, b.wm.last_seq);
  });
  return { session, events: [...events.keys()].sort((a, b) => a - b).map((s) => events.get(s)!) };
}

function* sourceRows(home: string, surface: Surface, after: string | null, limits: Map<string, number>, transcripts: TranscriptCompare | undefined, known: KnownDigests | null): Generator<Keyed> {
  const all = discoverSources(home);
  if (surface === "sessions" || surface === "events") {
    const files = [...all.filter((s) => s.kind === "ledger"), ...(transcripts?.files ?? [])].sort((a, b) => (a.session! < b.session! ? -1 : a.session! > b.session! ? 1 : 0));
    for (const source of files) {
      if (after !== null && source.session! < after.split("\u0000")[0]!) continue;
      if (isTranscript(source.kind)) {
        if (transcripts!.staged?.has(source.session!)) continue;
        const { session, events } = transcriptRows(source, limits.get(source.rel), transcripts!.secrets);
        if (surface === "sessions") {
          if (session && (after === null || source.session! > after)) yield { key: source.session!, row: sessionLine(session) };
        } else {
          for (const e of events) {
            const key = k2(e.session, e.seq);
            if (after === null || key > after) yield { key, row: eventLine(e) };
          }
        }
        continue;
      }
      const records = fileRecords(source, limits.get(source.rel), known);
      if (surface === "sessions") {
        // Folded like the projection folds them: every valid line, in file order.
        let row: SessionRow | null = null;
        for (const r of records) row = foldSession(row, (r as { event: LedgerEvent }).event, source.host);
        if (row && (after === null || row.id > after)) yield { key: row.id, row: sessionLine(row) };
      } else {
        for (const r of bySeq(records)) {
          const e = (r as { event: LedgerEvent }).event;
          const key = k2(e.session, e.seq);
          if (after === null || key > after) yield { key, row: eventLine(eventRow({ event: e, offset: r.offset, length: r.length, inline: r.inline })) };
        }
      }
    }
    return;
  }
  for (const source of all.filter((s) => s.kind === surface)) {
    for (const r of bySeq(fileRecords(source, limits.get(source.rel), null))) {
      const row = "audit" in r ? r.audit : (r as { approval: ApprovalRow }).approval;
      const key = k2(row.host, row.seq);
      if (after === null || key > after) yield { key, row: "audit" in r ? auditLine(r.audit) : approvalLine(row as ApprovalRow) };
    }
  }
}

/**
 * The projection's side. Sessions and events compared are warden's own and those imported from
 * the transcript roots given, from files still there: a session whose file is gone keeps its
 * history, marked source_missing, with nothing left to compare.
 */
function* projectionRows(db: Database.Database, surface: Surface, after: string | null, sources: string[]): Generator<Keyed> {
  const among = `s.source IN (${sources.map(() => "?").join(", ")})${hasStaging(db) ? " AND s.id NOT IN (SELECT session FROM staging)" : ""}`;
  if (surface === "sessions") {
    for (const r of db.prepare(`SELECT * FROM sessions s WHERE ${among} AND s.source_missing = 0 ORDER BY id`).iterate(...sources) as Iterable<SessionRow>) {
      if (after === null || r.id > after) yield { key: r.id, row: sessionLine(r) };
    }
  } else if (surface === "events") {
    const events = db.prepare(
      // Events without a session row are compared too (they are drift).
      `SELECT e.* FROM events e LEFT JOIN sessions s ON s.id = e.session WHERE s.id IS NULL OR (${among} AND s.source_missing = 0) ORDER BY e.session, e.seq`,
    );
    for (const r of events.iterate(...sources) as Iterable<EventRow>) {
      const key = k2(r.session, r.seq);
      if (after === null || key > after) yield { key, row: eventLine(r) };
    }
  } else if (surface === "audit") {
    for (const r of db.prepare("SELECT * FROM audit ORDER BY host, seq").iterate() as Iterable<AuditRow>) {
      const key = k2(r.host, r.seq);
      if (after === null || key > after) yield { key, row: auditLine(r) };
    }
  } else {
    for (const r of db.prepare("SELECT * FROM approvals ORDER BY host, seq").iterate() as Iterable<ApprovalRow>) {
      const key = k2(r.host, r.seq);
      if (after === null || key > after) yield { key, row: approvalLine(r) };
    }
  }
}

function digest(rows: Iterable<Keyed>): { count: number; hash: string } {
  const h = createHash("sha256");
  let count = 0;
  for (const r of rows) {
    h.update(r.row).update("\n");
    count++;
  }
  return { count, hash: h.digest("hex") };
}

export function surfacesOf(surface: Surface | "all" | undefined): Surface[] {
  return !surface || surface === "all" ? [...SURFACES] : [surface];
}

/** Runs `fn` inside one read transaction: every table and the watermarks seen at one moment. */
function snapshot<T>(db: Database.Database, fn: () => T): T {
  db.exec("BEGIN");
  try {
    return fn();
  } finally {
    db.exec("COMMIT");
  }
}

/**
 * `known`: the daemon's digests of values masked before (ledger lines that hold one are masked in
 * the projection); by default those of the secrets transcripts are masked with, as import does.
 */
export function verify(home: string, db: Database.Database, surface?: Surface | "all", transcripts?: TranscriptCompare, known: KnownDigests | null = transcripts?.secrets.digests ?? null): ResultOf<"projection.verify"> {
  return snapshot(db, () => {
    const limits = watermarkLimits(db);
    if (transcripts) transcripts.staged = stagedSessions(db);
    const surfaces = surfacesOf(surface).map((s) => {
      const source = digest(sourceRows(home, s, null, limits, transcripts, known));
      const projection = digest(projectionRows(db, s, null, comparedSources(transcripts)));
      return { surface: s, ok: source.count === projection.count && source.hash === projection.hash, source, projection };
    });
    return { ok: surfaces.every((s) => s.ok), surfaces };
  });
}

type Difference = ResultOf<"projection.diff">["differences"][number];

/** Merge-joins source and projection rows, surface by surface, from the cursor on. */
export function diff(home: string, db: Database.Database, q: { surface?: Surface | "all"; limit: number; cursor?: string }, transcripts?: TranscriptCompare, known: KnownDigests | null = transcripts?.secrets.digests ?? null): ResultOf<"projection.diff"> {
  const surfaces = surfacesOf(q.surface);
  let start: { surface: Surface; key: string } | null = null;
  if (q.cursor) {
    try {
      start = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8")) as { surface: Surface; key: string };
    } catch {
      start = null;
    }
    if (!start || typeof start.key !== "string" || !surfaces.includes(start.surface)) {
      throw new RpcError("invalid_params", "cursor is not one this daemon gave out for this surface", { issues: [{ code: "custom", path: ["cursor"], message: "unknown cursor" }] });
    }
  }
  return snapshot(db, () => diffFrom(home, db, surfaces, start, q.limit, transcripts, known));
}

function diffFrom(home: string, db: Database.Database, surfaces: Surface[], start: { surface: Surface; key: string } | null, limit: number, transcripts: TranscriptCompare | undefined, known: KnownDigests | null): ResultOf<"projection.diff"> {
  const limits = watermarkLimits(db);
  if (transcripts) transcripts.staged = stagedSessions(db);
  const out: Difference[] = [];
  let lastRaw: { surface: Surface; key: string } | null = null;
  for (const surface of surfaces.slice(start ? Math.max(0, surfaces.indexOf(start.surface)) : 0)) {
    const after = start && start.surface === surface ? start.key : null;
    const src = sourceRows(home, surface, after, limits, transcripts, known);
    const prj = projectionRows(db, surface, after, comparedSources(transcripts));
    let a = src.next();
    let b = prj.next();
    while (!a.done || !b.done) {
      let d: Difference | null = null;
      let key: string;
      if (b.done || (!a.done && a.value.key < b.value.key)) {
        key = a.value!.key;
        d = { surface, key, problem: "missing_in_projection" };
        a = src.next();
      } else if (a.done || b.value.key < a.value.key) {
        key = b.value.key;
        d = { surface, key, problem: "missing_in_source" };
        b = prj.next();
      } else {
        key = a.value.key;
        if (a.value.row !== b.value.row) d = { surface, key, problem: "differs" };
        a = src.next();
        b = prj.next();
      }
      if (d) {
        if (out.length === limit) {
          src.return(undefined);
          prj.return(undefined);
          return { differences: out, nextCursor: Buffer.from(JSON.stringify(lastRaw)).toString("base64url") };
        }
        out.push({ ...d, key: d.key.replace("\u0000", "#") }); // session#seq, host#seq
        lastRaw = { surface, key: d.key };
      }
    }
  }
  return { differences: out, nextCursor: null };
}
