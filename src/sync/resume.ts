// Where to resume reading a source file, from its watermark: an unchanged file is not read at all
// (a stat); an appended one is read from the watermark's offset; anything else — shrunk,
// rewritten (its first 4 KiB or the line before the offset hash differently), replaced by another
// inode's different content, or applied by an older sync or rules version — from the start.
import { createHash } from "node:crypto";
import { readSync, type Stats } from "node:fs";
import { MAX_LINE_BYTES, withFile } from "../ledger/jsonl.js";
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
    for (let window = 64 * 1024; ; window *= 4) {
      const start = Math.max(0, offset - window);
      const buf = Buffer.alloc(offset - start);
      if (readSync(fd, buf, 0, buf.length, start) !== buf.length || buf[buf.length - 1] !== 0x0a) return null;
      const prev = buf.lastIndexOf(0x0a, buf.length - 2);
      if (prev >= 0 || start === 0) {
        const line = buf.subarray(prev + 1, buf.length - 1);
        return lineHash(line.length > MAX_LINE_BYTES ? OVERSIZE : line.toString("utf8"));
      }
      if (window > MAX_LINE_BYTES) return lineHash(OVERSIZE);
    }
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
