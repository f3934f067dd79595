// The audit log's lines as Merkle leaves (line i is leaf i: SHA-256(0x00 || the line's bytes
// without its newline)), streamed from the file into a MerkleFrontier: a log of any length is read
// once at open in fixed memory (the frontier keeps O(log n) hashes), and the last `audit_key`
// record (the key epoch in force) is noted on the way, so no second pass looks for it.
import { createHash, type Hash } from "node:crypto";
import { readSync } from "node:fs";
import type { MerkleFrontier } from "./merkle.js";

const CHUNK = 1 << 20;
/** Only lines carrying this are parsed (JSON.stringify writes it so; escaped inside a string it cannot match). */
const KEY_MARKER = Buffer.from('"action":"audit_key"');
/** An audit_key record is short; a longer line is not one. */
const MAX_KEY_LINE = 64 * 1024;

/**
 * Appends the leaf of each complete line in [from, to) of `fd` to `tree`. Returns the verifier key
 * named by the last audit_key record among them, or undefined when there is none.
 */
export function addLeaves(fd: number, from: number, to: number, tree: MerkleFrontier): string | undefined {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, to - from)));
  let key: string | undefined;
  let hash: Hash = leafStart();
  let pieces: Buffer[] = []; // the current line's bytes, while it may still be an audit_key record
  let lineBytes = 0;
  for (let pos = from; pos < to; ) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, to - pos), pos);
    if (n <= 0) break;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, 0); nl >= 0 && nl < n; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      hash.update(piece);
      tree.append(hash.digest());
      if (lineBytes + piece.length <= MAX_KEY_LINE) {
        const line = pieces.length === 0 ? piece : Buffer.concat([...pieces, piece]);
        if (line.includes(KEY_MARKER)) key = keyOf(line) ?? key;
      }
      hash = leafStart();
      pieces = [];
      lineBytes = 0;
      start = nl + 1;
    }
    if (start < n) {
      // A line that goes on in the next chunk (the chunk is reused: keep a copy while it is short).
      const rest = chunk.subarray(start, n);
      hash.update(rest);
      lineBytes += rest.length;
      pieces = lineBytes <= MAX_KEY_LINE ? [...pieces, Buffer.from(rest)] : [];
    }
    pos += n;
  }
  return key;
}

function leafStart(): Hash {
  return createHash("sha256").update(Buffer.of(0x00));
}

function keyOf(line: Buffer): string | undefined {
  try {
    const r = JSON.parse(line.toString("utf8")) as { action?: unknown; detail?: { key?: unknown } };
    return r.action === "audit_key" && typeof r.detail?.key === "string" ? r.detail.key : undefined;
  } catch {
    return undefined;
  }
}
