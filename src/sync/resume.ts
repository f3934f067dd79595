// Where to resume reading a source file, from its watermark: an unchanged file is not read at all
// (a stat); an appended one is read from the watermark's offset; anything else — shrunk,
// rewritten (its first 4 KiB or the line before the offset hash differently), replaced by another
// inode's different content, or applied by an older sync or rules version — from the start.
import { createHash } from "node:crypto";
import { readSync, type Stats } from "node:fs";
import { linesBackwards, MAX_LINE_BYTES, withFile } from "../ledger/jsonl.js";
import { RULES_VERSION } from "../masking/rules.js";
import type { Watermark } from "../projection/projection.js";
import { SYNC_VERSION } from "../projection/schema.js";

export const lineHash = (line: string | Buffer): string => createHash("sha256").update(line).update("\n").digest("hex");

/** Stands in for a line longer than MAX_LINE_BYTES, which is never read into memory. */
export const OVERSIZE = "\u0000oversize";

/** How much of a file's start its watermark's head hash covers. */
const HEAD_BYTES = 4096;

/** sha256 of the file's first min(offset, 4 KiB) bytes; null when it holds fewer. */
export function headHash(path: string, offset: number): string | null {
  return withFile(path, (fd) => {
    const buf = Buffer.alloc(Math.min(offset, HEAD_BYTES));
    return readSync(fd, buf, 0, buf.length, 0) === buf.length ? createHash("sha256").update(buf).digest("hex") : null;
  });
}

/** The hash of the complete line that ends at byte `offset` (just after its '\n'), or null. */
export function lineHashEndingAt(path: string, offset: number): string | null {
  if (offset <= 0) return null;
  return withFile(path, (fd) => {
    const nl = Buffer.alloc(1);
    if (readSync(fd, nl, 0, 1, offset - 1) !== 1 || nl[0] !== 0x0a) return null; // shrunk, or not a line's end
    const last = linesBackwards(fd, offset, { maxLineBytes: MAX_LINE_BYTES }).next().value;
    return last ? lineHash(last.text ?? OVERSIZE) : null;
  });
}

export type ResumeOutcome = "unchanged" | "appended" | "reimported" | "new";

export interface Resume {
  outcome: ResumeOutcome;
  from: number;
  /** Forget the file's earlier rows (with the first batch applied). */
  reset: boolean;
}

/** Whether rows from this watermark were made by this version of the mapping and the masking rules. */
export function currentVersion(wm: Pick<Watermark, "sync_version" | "mask_version">, kind: string): boolean {
  // Ledgers and audit logs are not masked on the way in (their search documents are re-masked by the ledger indexer).
  return wm.sync_version === SYNC_VERSION && (kind === "audit" || kind === "approvals" || kind === "ledger" || wm.mask_version === RULES_VERSION);
}

/** Decides from a stat and the watermark; reads at most the head and the line before the offset. */
export function resumePoint(path: string, kind: string, st: Stats, wm: Watermark | undefined): Resume {
  if (!wm) return { outcome: "new", from: 0, reset: false };
  const current = currentVersion(wm, kind);
  if (current && !wm.missing && st.size === wm.offset && st.ino === wm.inode && st.mtimeMs === wm.mtime_ms)
    return { outcome: "unchanged", from: wm.offset, reset: false };
  const sameHead = wm.offset === 0 || wm.head_hash === "" || headHash(path, wm.offset) === wm.head_hash;
  if (current && st.size >= wm.offset && sameHead && (wm.offset === 0 || lineHashEndingAt(path, wm.offset) === wm.tail_hash)) {
    return { outcome: st.size === wm.offset ? "unchanged" : "appended", from: wm.offset, reset: false };
  }
  return { outcome: "reimported", from: 0, reset: true };
}
