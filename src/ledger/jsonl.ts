// Streaming JSONL reading for source stores. Files only grow, can be large, and may end in a torn
// line (a writer died mid-append): complete lines are handed over with the byte offset just past
// them, and an unterminated tail is reported, never parsed. Lines longer than `maxLineBytes` are
// skipped (reported through `onOversize`), so a file without newlines cannot exhaust memory.
import { closeSync, openSync, readSync } from "node:fs";

/**
 * fn on the file opened for reading (by `open`: openNoFollow for another host's file), closed
 * after; null when it cannot be opened (gone, a directory, no permission, a refused symlink).
 */
export function withFile<T>(path: string, fn: (fd: number) => T, open: (path: string) => number = (p) => openSync(p, "r")): T | null {
  let fd: number;
  try {
    fd = open(path);
  } catch {
    return null;
  }
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

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

/** How far back a backwards read goes at a time. */
const TAIL_CHUNK_BYTES = 64 * 1024;

function readFully(fd: number, buf: Buffer, position: number): void {
  for (let off = 0; off < buf.length; ) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n <= 0) throw new Error(`short read at byte ${position + off}`); // the file shrank under us
    off += n;
  }
}

/**
 * The offset just past the last '\n' among the file's first `size` bytes (0 when there is none):
 * the end of its complete lines; the `size - end` bytes after it are a torn tail. Walks back in
 * fixed chunks, whatever the torn line's length.
 */
export function completeEnd(fd: number, size: number, chunkBytes = TAIL_CHUNK_BYTES): number {
  const buf = Buffer.alloc(Math.min(chunkBytes, size));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - buf.length);
    const view = buf.subarray(0, end - start);
    readFully(fd, view, start);
    const nl = view.lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    end = start;
  }
  return 0;
}

export interface BackwardsOptions {
  chunkBytes?: number;
  /** Lines longer than this are yielded with `text: null`, their bytes never held (resume's OVERSIZE). */
  maxLineBytes?: number;
}

/**
 * The complete lines that end at or before `end` (an offset just past a '\n', or 0), last first,
 * each as its text (without the '\n') and the offset it starts at. Reads backwards in chunks, so
 * what a caller stops at early costs only the tail it read. A line's bytes are joined before they
 * are decoded: a multi-byte character across a chunk's edge stays whole.
 */
export function* linesBackwards(fd: number, end: number, opts: BackwardsOptions = {}): Generator<{ text: string | null; start: number }> {
  const chunkBytes = opts.chunkBytes ?? TAIL_CHUNK_BYTES;
  const max = opts.maxLineBytes ?? Infinity;
  let later: Buffer[] = []; // the current line's bytes read so far, last piece first
  let laterBytes = 0;
  let oversize = false; // the current line is longer than max: its bytes are dropped
  const take = (piece: Buffer): string | null => {
    const text =
      oversize || laterBytes + piece.length > max
        ? null
        : later.length > 0
          ? Buffer.concat([piece, ...later.reverse()]).toString("utf8")
          : piece.toString("utf8");
    later = [];
    laterBytes = 0;
    oversize = false;
    return text;
  };
  let pos = end - 1; // bytes [pos, end) are read; end - 1 is the last line's '\n'
  while (pos > 0) {
    const start = Math.max(0, pos - chunkBytes);
    const buf = Buffer.alloc(pos - start);
    readFully(fd, buf, start);
    let hi = buf.length; // the current line's bytes in buf end here
    for (let nl = buf.lastIndexOf(0x0a, hi - 1); nl >= 0; nl = hi > 0 ? buf.lastIndexOf(0x0a, hi - 1) : -1) {
      const text = take(buf.subarray(nl + 1, hi));
      hi = nl;
      yield { text, start: start + nl + 1 };
    }
    if (hi > 0 && !oversize) {
      later.push(buf.subarray(0, hi));
      laterBytes += hi;
      if (laterBytes > max) {
        oversize = true;
        later = [];
      }
    }
    pos = start;
  }
  if (end > 0) yield { text: take(Buffer.alloc(0)), start: 0 };
}

/**
 * The last complete line of the file's first `size` bytes that `accept` takes (a line it returns
 * null for is skipped: garbage, or not a record), with `end`, the offset just past the file's
 * last complete line (`size - end` bytes are a torn tail). What the ledger writer and the audit
 * log resume from after a restart.
 */
export function lastCompleteLine<T>(fd: number, size: number, accept: (line: string) => T | null): { last: T | null; end: number } {
  const end = completeEnd(fd, size);
  for (const { text } of linesBackwards(fd, end)) {
    const last = accept(text!); // no maxLineBytes: every line has its text
    if (last !== null) return { last, end };
  }
  return { last: null, end };
}
