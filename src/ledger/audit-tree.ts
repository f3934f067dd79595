// The audit log's Merkle tree (merkle.ts) built by streaming the file once: no leaf array, only
// the O(log n) frontier and the subtree hashes a caller asked for in advance (the nodes of the
// inclusion and consistency proofs it will make, the roots at chosen sizes). Every node of an
// RFC 9162 tree of n leaves is either a perfect, aligned subtree (kept when the frontier completes
// it) or a right edge [a, n) (the fold of the frontier's nodes from a, taken at size n).
import { closeSync, openSync, readSync } from "node:fs";
import { MAX_LINE_BYTES } from "./jsonl.js";
import { EMPTY_ROOT, type Hash, leafHash, nodeHash } from "./merkle.js";

/** Leaves [from, to) of the tree. */
export type Range = readonly [from: number, to: number];

const keyOf = (from: number, to: number) => `${from}:${to}`;

/** The largest power of two strictly below n (n >= 2), as merkle.ts splits. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The subtrees whose hashes make PATH(index, D[size]), in proof order (RFC 9162 2.1.3.1; merkle.inclusionProof). */
export function inclusionRanges(index: number, size: number): Range[] {
  const path = (m: number, from: number, to: number): Range[] => {
    if (to - from <= 1) return [];
    const k = split(to - from);
    return m < k ? [...path(m, from, from + k), [from + k, to]] : [...path(m - k, from + k, to), [from, from + k]];
  };
  return path(index, 0, size);
}

/** The subtrees whose hashes make PROOF(first, D[second]), in proof order (RFC 9162 2.1.4.1; merkle.consistencyProof). */
export function consistencyRanges(first: number, second: number): Range[] {
  if (first === 0 || first >= second) return [];
  const sub = (m: number, from: number, to: number, whole: boolean): Range[] => {
    const n = to - from;
    if (m === n) return whole ? [] : [[from, to]];
    const k = split(n);
    return m <= k ? [...sub(m, from, from + k, whole), [from + k, to]] : [...sub(m - k, from + k, to, false), [from, from + k]];
  };
  return sub(first, 0, second, true);
}

/** A frontier (as merkle.MerkleFrontier) that keeps the hashes of the ranges it was asked for. */
export class CapturingTree {
  private readonly nodes: Array<{ start: number; size: number; hash: Hash }> = [];
  private count = 0;
  private readonly wanted = new Set<string>();
  private readonly ends = new Set<number>();
  private readonly kept = new Map<string, Hash>();

  constructor(ranges: Iterable<Range> = []) {
    for (const r of ranges) this.want(r);
  }

  /** Asks for the hash of leaves [from, to) (call before the tree grows past `to`). */
  want([from, to]: Range): void {
    this.wanted.add(keyOf(from, to));
    this.ends.add(to);
  }

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    let node = { start: this.count, size: 1, hash: leaf };
    this.keep(node.start, node.start + 1, leaf);
    while (this.nodes.length > 0 && this.nodes.at(-1)!.size === node.size) {
      const left = this.nodes.pop()!;
      node = { start: left.start, size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
      this.keep(node.start, node.start + node.size, node.hash);
    }
    this.nodes.push(node);
    this.count++;
    if (this.ends.has(this.count)) {
      // Right edges [a, count): folds of the frontier's last nodes.
      let acc: Hash | null = null;
      for (let i = this.nodes.length - 1; i >= 0; i--) {
        acc = acc ? nodeHash(this.nodes[i]!.hash, acc) : this.nodes[i]!.hash;
        this.keep(this.nodes[i]!.start, this.count, acc);
      }
    }
  }

  root(): Hash {
    let acc: Hash | null = null;
    for (let i = this.nodes.length - 1; i >= 0; i--) acc = acc ? nodeHash(this.nodes[i]!.hash, acc) : this.nodes[i]!.hash;
    return acc ?? EMPTY_ROOT;
  }

  /** The hash of [from, to) if it was asked for and the tree has reached it; the root of the first `to` leaves for [0, to). */
  hashOf([from, to]: Range): Hash | undefined {
    if (from === 0 && to === 0) return EMPTY_ROOT;
    return this.kept.get(keyOf(from, to));
  }

  /** The proof hashes for `ranges`, or null when one was not captured (the tree never reached it). */
  proof(ranges: readonly Range[]): Hash[] | null {
    const hashes = ranges.map((r) => this.hashOf(r));
    return hashes.every((h) => h !== undefined) ? (hashes as Hash[]) : null;
  }

  private keep(from: number, to: number, hash: Hash): void {
    const key = keyOf(from, to);
    if (this.wanted.has(key)) this.kept.set(key, hash);
  }
}

/**
 * Calls `onLine(bytes, index)` for each complete line of the file (0-based), its exact bytes
 * without the newline (a leaf is those bytes, so no decoding on the way). The buffer is valid
 * only during the call. `onLine` returning false stops the scan. A missing file has no lines; an
 * unterminated last line (a torn append) is not a line.
 */
export function forEachRawLine(path: string, onLine: (line: Buffer, index: number) => boolean | void): { lines: number; tornTail: boolean } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { lines: 0, tornTail: false };
    throw err;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let lines = 0;
    for (let pos = 0; ; ) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) return { lines, tornTail: carry.length > 0 };
      pos += n;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
        if (onLine(data.subarray(start, nl), lines++) === false) return { lines, tornTail: false };
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start)); // a copy: chunk is reused
      if (carry.length > MAX_LINE_BYTES) throw new RangeError(`${path}: a line longer than ${MAX_LINE_BYTES} bytes`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Streams the file's lines into `tree` as leaves, handing each to `onLine` too; stops after `limit` leaves. */
export function scanLeaves(
  path: string,
  tree: CapturingTree,
  onLine: (line: Buffer, index: number) => void = () => {},
  limit = Infinity,
): { leaves: number; tornTail: boolean } {
  const scan = forEachRawLine(path, (line, index) => {
    if (index >= limit) return false;
    tree.append(leafHash(line));
    onLine(line, index);
  });
  return { leaves: tree.size, tornTail: scan.tornTail };
}
