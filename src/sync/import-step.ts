// What one step of importing a source file reports, shared by the import loop's callers
// (catch-up.ts for ledgers, audit and approvals; transcript-slice.ts for transcripts).
import type { SecretValues } from "../masking/secret-values.js";
import type { WatermarkUpdate } from "../projection/projection.js";
import { headHash, lineHash, type Resume, type ResumeOutcome } from "./resume.js";

export type ImportOutcome = ResumeOutcome | "missing";

export interface ImportReport {
  files: number;
  outcomes: Record<ImportOutcome, number>;
  rows: number;
  /** Bytes of source read. */
  bytes: number;
  /** Secrets masked on the way in, by rule. */
  masked: Record<string, number>;
  /** Lines that are not valid records, by file (1-based line numbers, counted from where reading began). */
  unparseable: Array<{ rel: string; line: number }>;
  /** Files that could not be read at all (a directory named *.jsonl, permissions, I/O errors). */
  failed: Array<{ rel: string; error: string }>;
}

export const emptyReport = (): ImportReport => ({
  files: 0,
  outcomes: { unchanged: 0, appended: 0, reimported: 0, new: 0, missing: 0 },
  rows: 0,
  bytes: 0,
  masked: {},
  unparseable: [],
  failed: [],
});

export interface CatchUpOptions {
  report?: ImportReport;
  /** Read at most about this many bytes now; `done: false` says the file has more. */
  budget?: number;
  /** Exact values masked in imported transcripts besides the rules. */
  secrets?: SecretValues;
}

export interface ImportStep {
  outcome: ImportOutcome;
  /** False when the budget ran out before the end of the file: call again to go on. */
  done: boolean;
}

/** The watermark after applying up to `end`, the last applied line being `lastLine`. */
export function watermarkAt(
  path: string,
  st: { mtimeMs: number; ino: number },
  end: number,
  lastLine: string | null,
  resume: Resume,
  prevTail: string | undefined,
  lastSeq: number,
): WatermarkUpdate {
  const tail = lastLine !== null ? lineHash(lastLine) : resume.from > 0 ? prevTail! : "";
  return { size: Math.max(end, 0), mtime_ms: st.mtimeMs, inode: st.ino, tail_hash: tail, offset: end, last_seq: lastSeq, head_hash: headHash(path, end) ?? "" };
}
