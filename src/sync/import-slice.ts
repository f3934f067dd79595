// The one import loop: every source (a ledger, an audit log, approvals, a transcript) moves into
// the projection through it, a slice at a time. It scans complete lines from the resume point,
// hands each to the source kind's mapper, cuts a batch every `batchLines` lines or `batchBytes`
// bytes, skips a line too long to read (OVERSIZE stands in for it in the watermark's tail hash),
// stops when the budget is spent or a batch is refused, and ends with a final flush that writes the
// watermark even when no line came (a new, reset or touched file).
//
// A transcript line, from file to search, for a new reader of this code:
//   1. sync/watcher.ts (a file event) or the reconcile pass in sync/engine.ts queues the file;
//      sync/source-map.ts says which source it is.
//   2. sync/engine.ts drain(): a transcript goes to sync/transcript-step.ts, which decides where
//      to resume (sync/catch-up.ts prepareCatchUp, sync/resume.ts) and asks sync/reader.ts.
//   3. In the reader thread (sync/reader-worker.ts), sync/transcript-slice.ts readTranscript runs
//      this loop with the transcript mapper: each line masked (sync/mask-record.ts, masking/),
//      parsed, folded by its importer (sync/importers/), batched with the importer's state.
//   4. Back in the daemon's thread, sync/transcript-step.ts masks any value learned meanwhile
//      (projection/remask.ts remaskBatch) and makes the one call into the store:
//      projection/projection.ts applyTranscript (events, search documents, session, watermark,
//      one transaction).
//   5. projection/reader.ts search() answers search.query from the documents it wrote.
// (Outside the daemon, catch-up runs the same loop in one thread: sync/catch-up.ts catchUpFile.)
import { scanLines } from "../ledger/jsonl.js";
import { OVERSIZE } from "./resume.js";

/** What a source kind makes of its lines. */
export interface SliceMapper {
  /** One complete line, [start, end) with end just past its '\n' (may throw to abort the slice). */
  line(text: string, lineNo: number, start: number, end: number): void;
  /** A line too long to read (its text is never decoded). */
  skipped(lineNo: number): void;
  /**
   * Applies (or hands over) what was read since the last flush, up to `end`; `lastLine` is the
   * last line read (OVERSIZE for a skipped one; null when none was read in this slice). Returning
   * false refuses it: the slice stops there.
   */
  flush(end: number, lastLine: string | null): boolean | void;
}

export interface SliceOptions {
  /** Where reading starts (a line boundary: the watermark's offset, or 0). */
  from: number;
  /** Stop after about this many bytes (at a line's end). */
  budget: number;
  batchLines: number;
  batchBytes: number;
  /** Lines longer than this are skipped, not read (default: the ledger's MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Told a skipped line's length before it is skipped: may throw instead (a reader thread whose heap could not hold it). */
  oversize?: (lineNo: number, bytes: number) => void;
  /** Asked at the end when nothing was read since the last flush: whether the watermark is to be written anyway. */
  mustFlush: () => boolean;
}

export interface SliceEnd {
  /** Where reading stopped (past the last line read or skipped). */
  end: number;
  /** The budget ran out, or a batch was refused, before the end of the file. */
  stopped: boolean;
  /** A batch was refused: nothing after it was applied. */
  refused: boolean;
}

export function importSlice(path: string, o: SliceOptions, m: SliceMapper): SliceEnd {
  let lastLine: string | null = null; // hashed once per batch, not once per line
  let end = o.from;
  let batchStart = o.from;
  let lines = 0;
  let stopped = false;
  let refused = false;
  const flush = () => {
    refused = m.flush(end, lastLine) === false;
    lines = 0;
    batchStart = end;
  };
  scanLines(
    path,
    o.from,
    (text, lineEnd, lineNo, start) => {
      m.line(text, lineNo, start, lineEnd);
      lastLine = text;
      end = lineEnd;
      if (++lines >= o.batchLines || end - batchStart >= o.batchBytes) flush();
      stopped = refused || lineEnd - o.from >= o.budget;
      return !stopped;
    },
    {
      maxLineBytes: o.maxLineBytes,
      onOversize: (lineNo, lineEnd) => {
        o.oversize?.(lineNo, lineEnd - end - 1);
        lastLine = OVERSIZE;
        end = lineEnd;
        m.skipped(lineNo);
      },
    },
  );
  if (refused) return { end, stopped: true, refused };
  if (lines > 0 || end !== batchStart || o.mustFlush()) flush(); // a refusal here stops nothing more
  return { end, stopped, refused: false };
}
