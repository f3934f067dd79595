// Streaming JSONL reading for source stores. Files only grow, can be large, and may end in a torn
// line (a writer died mid-append): complete lines are handed over with the byte offset just past
// them, and an unterminated tail is reported, never parsed.
import { closeSync, openSync, readSync } from "node:fs";

export interface LineScan {
  /** Offset just past the last complete line. */
  end: number;
  /** Bytes after `end`: an unterminated last line, ignored until completed. */
  tornBytes: number;
  /** Complete lines seen (from `from`). */
  lines: number;
}

/**
 * Calls `onLine(text, endOffset, lineNo)` for each complete line from byte `from` on (1-based line
 * numbers count from `from`). A missing file has no lines. `onLine` returning false stops the scan.
 */
export function scanLines(path: string, from: number, onLine: (text: string, end: number, lineNo: number) => boolean | void): LineScan {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { end: from, tornBytes: 0, lines: 0 };
    throw err;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let pos = from;
    let end = from;
    let lineNo = 0;
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, pos)) > 0; pos += n) {
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const base = pos - carry.length;
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        end = base + nl + 1;
        if (onLine(data.subarray(start, nl).toString("utf8"), end, ++lineNo) === false) return { end, tornBytes: 0, lines: lineNo };
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    return { end, tornBytes: carry.length, lines: lineNo };
  } finally {
    closeSync(fd);
  }
}

/** The older whole-file form: each complete line with its 1-based number. */
export function forEachLine(path: string, onLine: (line: string, lineNo: number) => void): { tornTail: boolean } {
  const scan = scanLines(path, 0, (text, _end, lineNo) => void onLine(text, lineNo));
  return { tornTail: scan.tornBytes > 0 };
}
