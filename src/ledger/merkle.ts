// RFC 9162 (Certificate Transparency v2, as RFC 6962 before it) Merkle trees over a log's records:
// the tree hash, inclusion and consistency proofs, their verification, and a frontier that keeps
// the root of an append-only log current in O(log n) per record. The first piece of the audit
// log anyone can verify (issue 14): checkpoints sign the root, proofs tie a record or an older
// checkpoint to it.
//
//   leaf hash  = SHA-256(0x00 || record bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256()
//   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n
import { createHash, hash } from "node:crypto";

export type Hash = Buffer;

export const EMPTY_ROOT: Hash = createHash("sha256").digest();

const LEAF = Buffer.of(0);
/** SHA-256(0x00 || record), one-shot to a "binary" string and back (see nodeHash): verify and witness hash every leaf of a log that grows for ever. */
export function leafHash(record: Uint8Array): Hash {
  return Buffer.from(hash("sha256", Buffer.concat([LEAF, record]), "binary"), "binary");
}

/**
 * 0x01 || left || right, filled per call, through one-shot hash() to a "binary" (latin1) string and
 * back into a pooled Buffer: a Hash object costs three times as much, sodium's SHA-256 a fifth more
 * (the audit log hashes a node per record; see audit-log.ts's leafOf).
 */
const scratch = Buffer.alloc(65, 1);
export function nodeHash(left: Hash, right: Hash): Hash {
  left.copy(scratch, 1);
  right.copy(scratch, 33);
  return Buffer.from(hash("sha256", scratch, "binary"), "binary");
}

/** The largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leaves[from, to). */
function treeHash(leaves: readonly Hash[], from: number, to: number): Hash {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from]!;
  const k = split(n);
  return nodeHash(treeHash(leaves, from, from + k), treeHash(leaves, from + k, to));
}

/** The root of the tree of the first `size` leaf hashes (all of them by default). */
export function rootOf(leaves: readonly Hash[], size = leaves.length): Hash {
  checkSize(size, leaves.length);
  return treeHash(leaves, 0, size);
}

/** PATH(index, D[size]): the sibling hashes from the leaf up, RFC 9162 2.1.3.1. */
export function inclusionProof(leaves: readonly Hash[], index: number, size = leaves.length): Hash[] {
  checkSize(size, leaves.length);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, from: number, to: number): Hash[] => {
    if (to - from <= 1) return [];
    const k = split(to - from);
    return m < k ? [...path(m, from, from + k), treeHash(leaves, from + k, to)] : [...path(m - k, from + k, to), treeHash(leaves, from, from + k)];
  };
  return path(index, 0, size);
}

/** PROOF(first, D[second]): what shows the tree of `first` leaves is a prefix of the tree of `second`, RFC 9162 2.1.4.1. */
export function consistencyProof(leaves: readonly Hash[], first: number, second = leaves.length): Hash[] {
  checkSize(second, leaves.length);
  if (!Number.isInteger(first) || first < 0 || first > second) throw new RangeError(`a tree of ${first} is not a prefix of one of ${second}`);
  if (first === 0 || first === second) return [];
  const sub = (m: number, from: number, to: number, whole: boolean): Hash[] => {
    const n = to - from;
    if (m === n) return whole ? [] : [treeHash(leaves, from, to)];
    const k = split(n);
    return m <= k ? [...sub(m, from, from + k, whole), treeHash(leaves, from + k, to)] : [...sub(m - k, from + k, to, false), treeHash(leaves, from, from + k)];
  };
  return sub(first, 0, second, true);
}

/** Whether `proof` shows the leaf `leaf` at `index` in the tree of `size` leaves whose root is `root` (RFC 9162 2.1.3.2). */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * Whether `proof` shows the tree of `first` leaves (root `firstRoot`) is a prefix of the tree of
 * `second` leaves (root `secondRoot`): nothing recorded before was changed or removed (RFC 9162 2.1.4.2).
 */
export function verifyConsistency(first: number, second: number, firstRoot: Hash, secondRoot: Hash, proof: readonly Hash[]): boolean {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 0 || first > second) return false;
  if (first === 0) return proof.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof]; // a power of two: its root is the first node
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * The root of an append-only log, kept current as records are appended: the roots of the perfect
 * subtrees its size decomposes into (7 = 4 + 2 + 1), so a record costs O(log n) hashes and the
 * root as many, however long the log.
 */
export class MerkleFrontier {
  /** Perfect subtree roots, largest (leftmost) first, with their sizes. */
  private readonly nodes: Array<{ size: number; hash: Hash }> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    while (this.nodes.length > 0 && this.nodes.at(-1)!.size === node.size) {
      const left = this.nodes.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.nodes.push(node);
    this.count++;
  }

  root(): Hash {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let acc = this.nodes.at(-1)!.hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) acc = nodeHash(this.nodes[i]!.hash, acc);
    return acc;
  }
}

function checkSize(size: number, have: number): void {
  if (!Number.isInteger(size) || size < 0 || size > have) throw new RangeError(`a tree of ${size} leaves from ${have}`);
}
