// Read-mask-write for one transcript file: each complete line is masked as text (every token rule
// and known secret value), then parsed, then folded by the file's importer; the events, the
// session and the importer's state are applied with the watermark in one transaction. Nothing
// unmasked is ever held past the line it came in, or reaches the projection.
import type { Stats } from "node:fs";
import { MAX_LINE_BYTES, scanLines } from "../ledger/jsonl.js";
import { maskText } from "../masking/masker.js";
import { SecretValues } from "../masking/secret-values.js";
import type { CatchUpOptions, SyncReport, SyncStep } from "./catch-up.js";
import { watermarkAt } from "./catch-up.js";
import type { Projection, Watermark, WatermarkUpdate } from "../projection/projection.js";
import { OVERSIZE, type Resume } from "./resume.js";
import type { SourceFile } from "../projection/sources.js";
import type { TranscriptEventRow } from "../projection/rows.js";
import { importerFor } from "./importers/index.js";
import { BYTE_COST, LINE_SHARE, LineTooBigForHeap, lineCost, VALUE_COST } from "./line-cost.js";
import type { TranscriptImporter, TranscriptSession, TranscriptSource } from "./importers/types.js";

/** Lines applied per transaction (and, roughly, bytes: a batch ends early past this much). */
const BATCH_ROWS = 2000;
const BATCH_BYTES = 2 * 1024 * 1024;
const NO_SECRETS = new SecretValues();

const add = (into: Record<string, number>, hits: Record<string, number>): number => {
  let n = 0;
  for (const [rule, k] of Object.entries(hits)) {
    into[rule] = (into[rule] ?? 0) + k;
    n += k;
  }
  return n;
};

/**
 * A line as a masked JSON value, or undefined when it is not JSON. Masking the text first is one
 * pass over it; should a match have cut through JSON syntax (a vault value standing as a JSON
 * number, or spanning a quote), so the masked text no longer parses, the raw line is masked token
 * by token instead: every string (object keys included) and every number, by its literal text.
 */
export function maskedRecord(text: string, secrets: SecretValues, hits: Record<string, number>): unknown {
  const m = maskText(text, secrets);
  try {
    const value = JSON.parse(m.text) as unknown;
    add(hits, m.hits);
    return value;
  } catch {
    if (m.text === text) return undefined;
  }
  const tokens = maskTokens(text, secrets);
  if (tokens === null) return undefined;
  try {
    const value = JSON.parse(tokens.text) as unknown;
    add(hits, tokens.hits);
    return value;
  } catch {
    return undefined;
  }
}

/** A JSON string literal (from its opening quote) or a number literal, sticky. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The JSON text with each string and number literal masked on its own: a string by its decoded
 * value (re-encoded), a number by its digits (a masked number becomes a string holding the
 * marker). Null when a string literal does not decode (the line is not JSON).
 */
function maskTokens(text: string, secrets: SecretValues): { text: string; hits: Record<string, number> } | null {
  const hits: Record<string, number> = {};
  let out = "";
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x22 && c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    TOKEN.lastIndex = i;
    const t = TOKEN.exec(text);
    if (!t) continue;
    const literal = t[0];
    let value: string;
    if (c === 0x22) {
      try {
        value = JSON.parse(literal) as string;
      } catch {
        return null;
      }
    } else value = literal;
    const r = maskText(value, secrets);
    if (r.text !== value) {
      out += text.slice(pos, i) + JSON.stringify(r.text);
      pos = i + literal.length;
      add(hits, r.hits);
    }
    i += literal.length - 1;
  }
  return { text: out + text.slice(pos), hits };
}

/** The importer's path for a transcript source: the part of `rel` after `<source>:`. */
const rootRel = (source: SourceFile) => source.rel.slice(source.kind.length + 1);

/** What a file's watermark says about where reading resumes (a plain object: it crosses to the reader thread). */
export type ResumeFrom = Pick<Watermark, "state" | "last_seq" | "masked" | "tail_hash" | "missing" | "mtime_ms" | "inode"> | undefined;

/** File facts the reader needs (from the stat that decided to read it). */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** One transaction's worth of a transcript: what `Projection.applyTranscript` takes. */
export interface TranscriptBatch {
  session: TranscriptSession;
  rows: TranscriptEventRow[];
  wm: WatermarkUpdate & { last_seq: number };
  reset: boolean;
  /** The batch ends where the file (as stat'ed) does: a re-import built apart is swapped in with it. */
  final: boolean;
  /** The offset this batch starts at: it applies only on top of a watermark ending exactly there (or with `reset`). */
  from: number;
  /** For the report: secrets masked, lines not understood, bytes read. */
  hits: Record<string, number>;
  unparseable: Array<{ rel: string; line: number }>;
  bytes: number;
}

/**
 * Reads a transcript from `resume.from` for about `budget` bytes, handing over a batch every
 * BATCH_ROWS lines or BATCH_BYTES (and one at the end). Pure: no database. The caller applies each
 * batch in order (in this thread, or in the daemon's, when this runs in the reader worker).
 * With `heapBytes` (the reader thread's heap limit), a line that could need more than its share
 * of it is neither decoded nor parsed: LineTooBigForHeap is thrown (see line-cost.ts).
 */
export function readTranscript(source: SourceFile, st: FileStat, wm: ResumeFrom, resume: Resume, secrets: SecretValues, budget: number, emit: (b: TranscriptBatch) => boolean | void, heapBytes?: number): SyncStep {
  const kind = importerFor(source.kind as TranscriptSource);
  const again = () => readTranscript(source, st, wm, { outcome: "reimported", from: 0, reset: true }, secrets, budget, emit, heapBytes);
  const lineHeap = heapBytes === undefined ? Infinity : heapBytes / LINE_SHARE;
  if (!resume.reset && resume.from > 0 && !wm?.state) return again();
  let importer: TranscriptImporter;
  try {
    const state = !resume.reset && resume.from > 0 && wm?.state ? (JSON.parse(wm.state) as unknown) : undefined;
    importer = kind.open(source.session!, rootRel(source), state);
  } catch (err) {
    // A state this importer did not write (an older version's, a damaged one): read the file again.
    if (resume.reset) throw err;
    return again();
  }
  let lastSeq = resume.from > 0 && !resume.reset ? wm!.last_seq : 0;
  const applied = lastSeq; // seqs up to here are in the projection already: returning one replaces it
  let masked = resume.from > 0 && !resume.reset ? wm!.masked : 0;
  let reset = resume.reset;
  let lastLine: string | null = null;
  let pending = new Map<number, TranscriptEventRow>();
  let hits: Record<string, number> = {};
  let unparseable: TranscriptBatch["unparseable"] = [];
  let lines = 0;
  let batchStart = resume.from;
  let end = resume.from;
  let stopped = false;
  let cancelled = false;
  const flush = () => {
    const wmUpdate = { ...watermarkAt(source.path, st, end, lastLine, resume, wm?.tail_hash, lastSeq), masked, state: JSON.stringify(importer.state()) };
    cancelled = emit({ session: importer.session(), rows: [...pending.values()], wm: wmUpdate, reset, final: end >= st.size, from: batchStart, hits, unparseable, bytes: end - batchStart }) === false;
    reset = false;
    pending = new Map();
    hits = {};
    unparseable = [];
    lines = 0;
    batchStart = end;
  };
  scanLines(
    source.path,
    resume.from,
    (text, lineEnd, lineNo, start) => {
      // Counting a line's values walks it char by char: only lines whose worst case (every char a value) could be too big.
      const cost = text.length * (BYTE_COST + VALUE_COST) <= lineHeap ? 0 : lineCost(text);
      if (cost > lineHeap) throw new LineTooBigForHeap(lineNo, cost, heapBytes!);
      lastLine = text;
      end = lineEnd;
      const record = maskedRecord(text, secrets, hits);
      if (record === undefined) unparseable.push({ rel: source.rel, line: lineNo });
      else {
        for (const e of importer.push(record, lineNo)) {
          const data = JSON.stringify(e.data);
          pending.set(e.seq, { seq: e.seq, ts: e.ts, kind: e.kind, data, text: e.text, offset: start, length: lineEnd - 1 - start, replaced: e.seq <= applied || pending.has(e.seq) });
          lastSeq = Math.max(lastSeq, e.seq);
        }
      }
      if (++lines >= BATCH_ROWS || end - batchStart >= BATCH_BYTES) {
        masked += count(hits);
        flush();
      }
      stopped = cancelled || lineEnd - resume.from >= budget;
      return !stopped;
    },
    {
      // Not even decoded when its bytes alone could not fit (a line over MAX_LINE_BYTES is skipped as unparseable).
      maxLineBytes: Math.min(MAX_LINE_BYTES, Math.floor(lineHeap / BYTE_COST)),
      onOversize: (lineNo, lineEnd) => {
        if (lineEnd - end - 1 <= MAX_LINE_BYTES) throw new LineTooBigForHeap(lineNo, (lineEnd - end - 1) * BYTE_COST, heapBytes!);
        lastLine = OVERSIZE;
        end = lineEnd;
        unparseable.push({ rel: source.rel, line: lineNo });
      },
    },
  );
  if (cancelled) return { outcome: resume.outcome, done: false };
  masked += count(hits);
  if (pending.size > 0 || lines > 0 || end !== batchStart || !wm || reset || wm.missing || wm.mtime_ms !== st.mtimeMs || wm.inode !== st.ino) flush();
  return { outcome: resume.outcome, done: !stopped || end >= st.size };
}

const count = (hits: Record<string, number>) => Object.values(hits).reduce((a, b) => a + b, 0);

/** Adds a batch's figures to a sync report. */
export function reportBatch(report: SyncReport | undefined, b: TranscriptBatch): void {
  if (!report) return;
  report.rows += b.rows.length;
  report.bytes += b.bytes;
  add(report.masked, b.hits);
  report.unparseable.push(...b.unparseable);
}

/** In this thread: read and apply as we go (catch-up, rebuild, tests). */
export function importTranscriptSlice(p: Projection, source: SourceFile, st: Stats, wm: Watermark | undefined, resume: Resume, opts: CatchUpOptions): SyncStep {
  return readTranscript(source, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }, wm, resume, opts.secrets ?? NO_SECRETS, opts.budget ?? Infinity, (b) => {
    p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
    reportBatch(opts.report, b);
  });
}
