// The witness check (issue 14), shared by the daemon's witness (sync/witness.ts), doctor and
// `audit verify`: does another host's audit log, as synced here, still hold what this host
// witnessed (the root of its first `size` leaves), and does that host's newest checkpoint verify.
// Leaves are the log's lines as bytes (merkle.leafHash of each line without its '\n'); a torn last
// line is not a leaf yet.
import { fstatSync, readSync } from "node:fs";
import { withFile } from "./jsonl.js";
import { type Hash, leafHash, MerkleFrontier } from "./merkle.js";
import { type Checkpoint, openNote, parseCheckpoint, parseVerifierKey } from "./signed-note.js";

const CHUNK = 1 << 20;
const AUDIT_KEY = '"action":"audit_key"';
const WITNESS = '"action":"witness"';

/**
 * Calls `onLine(bytes, start, end)` for each complete line in [from, to) (end just past its '\n')
 * until it returns false; returns the offset just past the last line handed over.
 */
export function scanLineBytes(fd: number, from: number, to: number, onLine: (line: Buffer, start: number, end: number) => boolean): number {
  const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, to - from)));
  let carry: Buffer[] = [];
  let lineStart = from;
  for (let pos = from; pos < to; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n <= 0) break;
    for (let i = 0; i < n; ) {
      const nl = buf.indexOf(0x0a, i);
      if (nl < 0 || nl >= n) {
        carry.push(Buffer.from(buf.subarray(i, n)));
        break;
      }
      const line = carry.length ? Buffer.concat([...carry, buf.subarray(i, nl)]) : buf.subarray(i, nl);
      carry = [];
      const end = pos + nl + 1;
      if (!onLine(line, lineStart, end)) return end;
      lineStart = end;
      i = nl + 1;
    }
    pos += n;
  }
  return lineStart;
}

/**
 * The root of an audit log's prefix, kept current as the file grows: a frontier over the leaves
 * hashed so far, where they end, and the key the last `audit_key` record among them names. It
 * notices a file rewritten under it (shorter, or its first or last hashed line changed); the
 * caller then starts a new one.
 */
export class PrefixHasher {
  readonly frontier = new MerkleFrontier();
  /** Just past the last leaf hashed. */
  offset = 0;
  /** The verifier key named by the last audit_key record hashed (null: none yet). */
  epochKey: string | null = null;
  /** The size at the last leaf that is not a witness record: leaves after it only witness others. */
  lastOwn = 0;
  private first: Hash | null = null;
  private last: { start: number; hash: Hash } | null = null;

  get size(): number {
    return this.frontier.size;
  }

  /** Whether the file still holds the lines hashed so far, as far as the first and last of them tell. */
  intact(fd: number): boolean {
    if (this.size === 0) return true;
    if (fstatSync(fd).size < this.offset) return false;
    let ok = true;
    scanLineBytes(fd, 0, this.offset, (line) => ((ok = leafHash(line).equals(this.first!)), false));
    if (ok && this.last) scanLineBytes(fd, this.last.start, this.offset, (line) => ((ok = leafHash(line).equals(this.last!.hash)), false));
    return ok;
  }

  /**
   * Hashes further leaves until there are `target`, the file ends, or about `budget` bytes were
   * read; `atLeaf(size)` hears each new size. Returns whether `target` was reached.
   */
  advance(fd: number, target: number, budget = Infinity, atLeaf?: (size: number) => void): boolean {
    const end = fstatSync(fd).size;
    const from = this.offset;
    if (this.size >= target) return true;
    scanLineBytes(fd, this.offset, end, (line, start, lineEnd) => {
      const hash = leafHash(line);
      this.frontier.append(hash);
      if (this.size === 1) this.first = hash;
      this.last = { start, hash };
      this.offset = lineEnd;
      if (line.includes(AUDIT_KEY)) this.epochKey = epochKeyOf(line) ?? this.epochKey;
      if (!(line.includes(WITNESS) && actionOf(line) === "witness")) this.lastOwn = this.size;
      atLeaf?.(this.size);
      return this.size < target && lineEnd - from < budget;
    });
    return this.size >= target;
  }
}

function actionOf(line: Buffer): unknown {
  try {
    return (JSON.parse(line.toString("utf8")) as { action?: unknown }).action;
  } catch {
    return null;
  }
}

function epochKeyOf(line: Buffer): string | null {
  try {
    const r = JSON.parse(line.toString("utf8")) as { action?: unknown; detail?: { key?: unknown } };
    return r.action === "audit_key" && typeof r.detail?.key === "string" ? r.detail.key : null;
  } catch {
    return null;
  }
}

/** The root of the first `size` leaves of the log at `path` and the epoch key within them; null when it has fewer. */
export function prefixRoot(path: string, size: number): { root: Hash; epochKey: string | null } | null {
  return withFile(path, (fd) => {
    const h = new PrefixHasher();
    return h.advance(fd, size) ? { root: h.frontier.root(), epochKey: h.epochKey } : null;
  });
}

/** What a witness record says this host saw of another host's log. */
export interface Witnessed {
  size: number;
  /** base64, as in the checkpoint. */
  root: string;
}

/**
 * Whether the log at `path` still holds what was witnessed: "consistent" (the root of its first
 * `size` leaves is the witnessed root), "inconsistent" (it is not: the log was rewritten), or
 * "behind" (it has fewer leaves: not synced yet, or truncated).
 */
export function checkWitnessed(path: string, w: Witnessed): "consistent" | "inconsistent" | "behind" {
  const p = prefixRoot(path, w.size);
  if (!p) return "behind";
  return p.root.toString("base64") === w.root ? "consistent" : "inconsistent";
}

export type NoteCheck =
  | { state: "ok"; checkpoint: Checkpoint; key: string }
  /** Signed by a key other than the published one (or none is published yet): the key may still be on its way. */
  | { state: "unknown_key" }
  /** Not a checkpoint of this host, or its signature does not verify (`checkpoint`: what it claims, when it parses). */
  | { state: "bad"; reason: string; checkpoint?: Checkpoint };

/** Checks a checkpoint note of `host` against its published verifier key (keys/<host>.audit.pub's text). */
export function verifyCheckpointNote(note: string, host: string, published: string | null): NoteCheck {
  const key = published?.trim() ?? "";
  const vk = parseVerifierKey(key);
  const opened = openNote(note, vk ? [vk] : []);
  if (!opened) return { state: "bad", reason: "not a signed note" };
  const checkpoint = parseCheckpoint(opened.text);
  if (!checkpoint) return { state: "bad", reason: "not a checkpoint" };
  const origin = `warden/${host}`;
  if (checkpoint.origin !== origin) return { state: "bad", reason: `origin ${checkpoint.origin} is not ${origin}`, checkpoint };
  const sig = opened.signatures.find((s) => s.name === origin);
  if (!sig) return { state: "bad", reason: `not signed by ${origin}`, checkpoint };
  if (!vk || vk.name !== origin || !sig.keyId.equals(vk.keyId)) return { state: "unknown_key" };
  return sig.verified ? { state: "ok", checkpoint, key } : { state: "bad", reason: "the signature does not verify", checkpoint };
}
