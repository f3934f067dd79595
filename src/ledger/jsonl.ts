// Streaming JSONL reading for source stores. Files only grow, can be large, and may end in a torn
// line (a writer died mid-append): complete lines are handed over with the byte offset just past
// them, and an unterminated tail is reported, never parsed. Lines longer than `maxLineBytes` are
// skipped (reported through `onOversize`), so a file without newlines cannot exhaust memory.
import { closeSync, openSync, readSync } from "node:fs";

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineScan {
  /** Offset just past the last complete line. */
  end: number;
  /** Bytes after `end`: an unterminated last line, ignored until completed. */
  tornBytes: number;
  /** Complete lines seen (from `from`), oversize ones included. */
  lines: number;
}

export interface ScanOptions {
  /** Stop at this offset (bytes after it are left for later). */
  to?: number;
  maxLineBytes?: number;
  onOversize?: (lineNo: number, end: number) => void;
}

/**
 * Calls `onLine(text, endOffset, lineNo, startOffset)` for each complete line from byte `from` on
 * (end is just past its '\n'; 1-based line numbers count from `from`). A missing file has no lines.
 * `onLine` returning false stops the scan.
 */
export function scanLines(
  path: string,
  from: number,
  onLine: (text: string, end: number, lineNo: number, start: number) => boolean | void,
  opts: ScanOptions = {},
): LineScan {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { end: from, tornBytes: 0, lines: 0 };
    throw err;
  }
  const max = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const limit = opts.to ?? Infinity;
  try {
    const chunk = Buffer.alloc(1 << 20);
    let parts: Buffer[] = []; // the unfinished line, in pieces (joined once, when it ends)
    let partBytes = 0;
    let skipping = false; // inside an oversize line
    let pos = from;
    let end = from;
    let lineNo = 0;
    let lineStart = from;
    while (pos < limit) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, limit - pos), pos);
      if (n <= 0) break;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, 0); nl >= 0 && nl < n; nl = chunk.indexOf(0x0a, start)) {
        end = pos + nl + 1;
        lineNo++;
        if (skipping || partBytes + (nl - start) > max) {
          skipping = false;
          opts.onOversize?.(lineNo, end);
        } else {
          const piece = chunk.subarray(start, nl);
          const text = partBytes ? Buffer.concat([...parts, piece]).toString("utf8") : piece.toString("utf8");
          if (onLine(text, end, lineNo, lineStart) === false) return { end, tornBytes: 0, lines: lineNo };
        }
        parts = [];
        partBytes = 0;
        start = nl + 1;
        lineStart = end;
      }
      if (start < n && !skipping) {
        parts.push(Buffer.from(chunk.subarray(start, n)));
        partBytes += n - start;
        if (partBytes > max) {
          skipping = true;
          parts = [];
        }
      }
      pos += n;
    }
    return { end, tornBytes: pos - end, lines: lineNo };
  } finally {
    closeSync(fd);
  }
}

/** The older whole-file form: each complete line with its 1-based number. */
export function forEachLine(path: string, onLine: (line: string, lineNo: number) => void): { tornTail: boolean } {
  const scan = scanLines(path, 0, (text, _end, lineNo) => void onLine(text, lineNo));
  return { tornTail: scan.tornBytes > 0 };
}
