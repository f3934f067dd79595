// Read-mask-write for one transcript file, the transcript mapper of the import loop
// (import-slice.ts): each complete line is masked as text (every token rule and known secret
// value), then parsed, then folded by the file's importer; the events, the session and the
// importer's state are applied with the watermark in one transaction. Nothing unmasked is ever
// held past the line it came in, or reaches the projection.
import type { Stats } from "node:fs";
import { MAX_LINE_BYTES } from "../ledger/jsonl.js";
import { SecretValues } from "../masking/secret-values.js";
import { type CatchUpOptions, type ImportReport, type ImportStep, watermarkAt } from "./import-step.js";
import type { Projection, Watermark, WatermarkUpdate } from "../projection/projection.js";
import type { Resume } from "./resume.js";
import { importSlice } from "./import-slice.js";
import { addHits, maskedRecord } from "./mask-record.js";
import type { SourceFile } from "../projection/sources.js";
import type { TranscriptEventRow } from "../projection/rows.js";
import { importerFor } from "./importers/index.js";
import { BYTE_COST, LINE_SHARE, LineTooBigForHeap, lineCost, VALUE_COST } from "./line-cost.js";
import type { TranscriptImporter, TranscriptSession, TranscriptSource } from "./importers/types.js";

/** Lines applied per transaction (and, roughly, bytes: a batch ends early past this much). */
const BATCH_ROWS = 2000;
const BATCH_BYTES = 2 * 1024 * 1024;
const NO_SECRETS = new SecretValues();

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
export function readTranscript(
  source: SourceFile,
  st: FileStat,
  wm: ResumeFrom,
  resume: Resume,
  secrets: SecretValues,
  budget: number,
  emit: (b: TranscriptBatch) => boolean | void,
  heapBytes?: number,
): ImportStep {
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
  let pending = new Map<number, TranscriptEventRow>();
  let hits: Record<string, number> = {};
  let unparseable: TranscriptBatch["unparseable"] = [];
  let batchStart = resume.from;
  const slice = importSlice(
    source.path,
    {
      from: resume.from,
      budget,
      batchLines: BATCH_ROWS,
      batchBytes: BATCH_BYTES,
      // Not even decoded when its bytes alone could not fit (a line over MAX_LINE_BYTES is skipped as unparseable).
      maxLineBytes: Math.min(MAX_LINE_BYTES, Math.floor(lineHeap / BYTE_COST)),
      oversize: (lineNo, bytes) => {
        if (bytes <= MAX_LINE_BYTES) throw new LineTooBigForHeap(lineNo, bytes * BYTE_COST, heapBytes!);
      },
      mustFlush: () => !wm || reset || !!wm.missing || wm.mtime_ms !== st.mtimeMs || wm.inode !== st.ino,
    },
    {
      line(text, lineNo, start, end) {
        // Counting a line's values walks it char by char: only lines whose worst case (every char a value) could be too big.
        const cost = text.length * (BYTE_COST + VALUE_COST) <= lineHeap ? 0 : lineCost(text);
        if (cost > lineHeap) throw new LineTooBigForHeap(lineNo, cost, heapBytes!);
        const record = maskedRecord(text, secrets, hits);
        if (record === undefined) return void unparseable.push({ rel: source.rel, line: lineNo });
        for (const e of importer.push(record, lineNo)) {
          const data = JSON.stringify(e.data);
          pending.set(e.seq, {
            seq: e.seq,
            ts: e.ts,
            kind: e.kind,
            data,
            text: e.text,
            offset: start,
            length: end - 1 - start,
            replaced: e.seq <= applied || pending.has(e.seq),
          });
          lastSeq = Math.max(lastSeq, e.seq);
        }
      },
      skipped(lineNo) {
        unparseable.push({ rel: source.rel, line: lineNo });
      },
      flush(end, lastLine) {
        masked += count(hits);
        const wmUpdate = { ...watermarkAt(source.path, st, end, lastLine, resume, wm?.tail_hash, lastSeq), masked, state: JSON.stringify(importer.state()) };
        const batch = {
          session: importer.session(),
          rows: [...pending.values()],
          wm: wmUpdate,
          reset,
          final: end >= st.size,
          from: batchStart,
          hits,
          unparseable,
          bytes: end - batchStart,
        };
        reset = false;
        pending = new Map();
        hits = {};
        unparseable = [];
        batchStart = end;
        return emit(batch) !== false;
      },
    },
  );
  if (slice.refused) return { outcome: resume.outcome, done: false };
  return { outcome: resume.outcome, done: !slice.stopped || slice.end >= st.size };
}

const count = (hits: Record<string, number>) => Object.values(hits).reduce((a, b) => a + b, 0);

/** Adds a batch's figures to a sync report. */
export function reportBatch(report: ImportReport | undefined, b: TranscriptBatch): void {
  if (!report) return;
  report.rows += b.rows.length;
  report.bytes += b.bytes;
  addHits(report.masked, b.hits);
  report.unparseable.push(...b.unparseable);
}

/** In this thread: read and apply as we go (catch-up, rebuild, tests). */
export function importTranscriptSlice(
  p: Projection,
  source: SourceFile,
  st: Stats,
  wm: Watermark | undefined,
  resume: Resume,
  opts: CatchUpOptions,
): ImportStep {
  return readTranscript(source, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }, wm, resume, opts.secrets ?? NO_SECRETS, opts.budget ?? Infinity, (b) => {
    p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
    reportBatch(opts.report, b);
  });
}
