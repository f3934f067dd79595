// verify and diff, the sources' side: the rows each source file maps to, read as catch-up reads
// it (ledger lines holding a value known by digest masked; transcripts read, masked and folded by
// their importer), handed to projection/compare.ts to compare with the rows the store holds.
import { statSync } from "node:fs";
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import type { LedgerEvent } from "../ledger/events.js";
import { scanLines } from "../ledger/jsonl.js";
import { maskKnown, type KnownDigests } from "../masking/known-digests.js";
import type { SecretValues } from "../masking/secret-values.js";
import { approvalLine, auditLine, diffRows, eventLine, k2, sessionLine, verifyRows, type Keyed, type SourceRows } from "../projection/compare.js";
import { eventRow, foldSession, parseSourceLine, transcriptSessionRow, type ApprovalRow, type EventRow, type SessionRow } from "../projection/rows.js";
import type { Surface } from "../projection/schema.js";
import { isTranscript, type SourceFile } from "../projection/sources.js";
import { discoverSources } from "./discover.js";
import { readTranscript } from "./transcript-slice.js";

/**
 * Imported transcripts to compare too: their files (under the configured roots), the sources
 * those roots are (claude-code, codex), and the secrets masked in them (values and digests, as the
 * importer has them).
 */
export interface TranscriptCompare {
  files: SourceFile[];
  sources: string[];
  secrets: SecretValues;
}

/** Sessions of these sources are compared: warden's own, and those of the transcript roots given. */
export const comparedSources = (t: TranscriptCompare | undefined) => ["warden", ...(t?.sources ?? [])];

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
      // A ledger line holding a value masked since: the projection's copy is masked (catch-up.ts).
      const data = p && known && "event" in p ? maskKnown(p.event.data, known) : undefined;
      if (p && data !== undefined && "event" in p && data !== p.event.data)
        out.push({ event: { ...p.event, data: data as Record<string, unknown> }, offset: start, length: end - 1 - start, inline: true });
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

/**
 * A transcript's session and events as the importer makes them (read, masked, parsed, folded in
 * one go: the same rows as any number of slices), up to `limit` bytes.
 */
function transcriptRows(source: SourceFile, limit: number | undefined, secrets: SecretValues): { session: SessionRow | null; events: EventRow[] } {
  const st = statSync(source.path, { throwIfNoEntry: false });
  if (!st || limit === 0) return { session: null, events: [] };
  const events = new Map<number, EventRow>();
  let session: SessionRow | null = null;
  readTranscript(
    source,
    { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino },
    undefined,
    { outcome: "new", from: 0, reset: true },
    secrets,
    limit ?? Infinity,
    (b) => {
      for (const e of b.rows)
        events.set(e.seq, { session: source.session!, seq: e.seq, ts: e.ts, kind: e.kind, data: e.data, src_offset: e.offset, src_length: e.length });
      if (b.wm.last_seq > 0) session = transcriptSessionRow(b.session, source, b.wm.last_seq);
    },
  );
  return { session, events: [...events.keys()].sort((a, b) => a - b).map((s) => events.get(s)!) };
}

function* sourceRows(
  home: string,
  surface: Surface,
  after: string | null,
  limits: Map<string, number>,
  staged: Set<string>,
  transcripts: TranscriptCompare | undefined,
  known: KnownDigests | null,
): Generator<Keyed> {
  const all = discoverSources(home);
  if (surface === "sessions" || surface === "events") {
    const files = [...all.filter((s) => s.kind === "ledger"), ...(transcripts?.files ?? [])].sort((a, b) =>
      a.session! < b.session! ? -1 : a.session! > b.session! ? 1 : 0,
    );
    for (const source of files) {
      if (after !== null && source.session! < after.split("\u0000")[0]!) continue;
      if (isTranscript(source.kind)) {
        if (staged.has(source.session!)) continue;
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

/** The source side for `home` (and the transcripts given), as projection/compare.ts takes it. */
const sourceSide =
  (home: string, transcripts: TranscriptCompare | undefined, known: KnownDigests | null): SourceRows =>
  (surface, after, limits, staged) =>
    sourceRows(home, surface, after, limits, staged, transcripts, known);

/**
 * `known`: the daemon's digests of values masked before (ledger lines that hold one are masked in
 * the projection); by default those of the secrets transcripts are masked with, as import does.
 */
export function verify(
  home: string,
  db: Database.Database,
  surface?: Surface | "all",
  transcripts?: TranscriptCompare,
  known: KnownDigests | null = transcripts?.secrets.digests ?? null,
): ResultOf<"projection.verify"> {
  return verifyRows(db, surface, sourceSide(home, transcripts, known), comparedSources(transcripts));
}

export function diff(
  home: string,
  db: Database.Database,
  q: { surface?: Surface | "all"; limit: number; cursor?: string },
  transcripts?: TranscriptCompare,
  known: KnownDigests | null = transcripts?.secrets.digests ?? null,
): ResultOf<"projection.diff"> {
  return diffRows(db, q, sourceSide(home, transcripts, known), comparedSources(transcripts));
}
