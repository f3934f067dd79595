// audit/<host>.jsonl: append-only, hash-chained. Each record carries `prev` (the previous record's
// hash) and `hash` = SHA-256 over prev and the record's own JSON, so an edited, dropped or
// reordered record breaks the chain at that point.
//
// One writer at a time, by flock: the daemon holds it for its whole life (an append is then a
// hash and one write); a direct-mode CLI takes it per append and re-reads the tail, so the chain
// stays one chain. Not fsynced per record — a read must stay cheap: dirty data is fdatasynced
// within `syncMs`, and the chain head recorded beside it.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, readFileSync, renameSync, writeSync } from "node:fs";
import { openNoFollow, writeFileNoFollow } from "../platform/nofollow.js";
import { hash } from "node:crypto";
import { native } from "../platform/native.js";
import { WardenError } from "../platform/errors.js";
import { lastCompleteLine } from "./jsonl.js";
import type { AuditSigner } from "./audit-key.js";
import { Checkpointer } from "./audit-checkpoints.js";
import { addLeaves } from "./audit-leaves.js";
import { MerkleFrontier } from "./merkle.js";

export const GENESIS = "0".repeat(64);

export interface AuditFields {
  action: string;
  outcome: "ok" | "denied" | "error";
  kind?: string;
  vault?: string;
  name?: string;
  scope?: string;
  reason?: string;
  caller?: string;
  peer?: { uid: number; gid: number; pid: number; exe: string | null; argv: string[] | null };
  /** The session whose agent the peer is (from its process tree). */
  session?: string;
  detail?: Record<string, unknown>;
  /**
   * Set on a coalesced record (see audit-coalesce.ts): it stands for `count` identical reads made
   * between `first` and `last`, repeats of the record at seq `coalesces`. Absent: one read.
   */
  count?: number;
  first?: string;
  last?: string;
  coalesces?: number;
  /** A read's keyed digests (HMAC-SHA256 under a subkey of daemon.key): of its reason, and of the value served. */
  digests?: { reason: string; value?: string };
  /** The grant (approvals) that allowed the read: ties it to who approved it. */
  grant?: string;
}

export interface AuditRecord extends AuditFields {
  v: 1;
  seq: number;
  ts: string;
  host: string;
  prev: string;
  hash: string;
}

export function recordHash(prev: string, withoutHash: Omit<AuditRecord, "hash">): string {
  return chainHash(prev, JSON.stringify(withoutHash));
}

/**
 * merkle.leafHash of the line in `framed` (0x00, the line, its newline), in one call: no Hash
 * object, no copy. Digested to a "binary" (latin1) string (one char a byte) and back: on Node 20 hash()'s
 * "buffer" output allocates a Buffer with its own backing store per call, twice the cost of the
 * hash itself at this size (a pooled Buffer.from is not).
 */
function leafOf(framed: Buffer): Buffer {
  return Buffer.from(hash("sha256", framed.subarray(0, -1), "binary"), "binary");
}

function chainHash(prev: string, json: string): string {
  return hash("sha256", `${prev}\n${json}`, "hex"); // one-shot: no Hash object per record
}

export interface AuditLogOptions {
  /** Hold the flock for the log's lifetime (the daemon); otherwise take it per append (the CLI). */
  hold: boolean;
  /**
   * Where to record the chain head after each fdatasync (the daemon: in the run root). `audit
   * verify` compares it with the log, so a truncated or rolled-back log (an older copy restored by
   * a file-sync tool, say) is caught, not only an edited record.
   */
  headPath?: string;
  syncMs?: number;
  /** Hears each record once written, with its line and the file's size after it (the projection applies it). */
  onAppend?: (record: AuditRecord, line: string, end: number) => void;
  /**
   * Sign checkpoints of the log's Merkle tree into `path` (the daemon; needs `hold`), and start a
   * key epoch (an audit_key record) when the log's last one does not name this signer's key.
   */
  checkpoints?: { path: string; signer: AuditSigner; gapMs?: number };
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export class AuditLog {
  private readonly fd: number;
  private seq = 0;
  private prev = GENESIS;
  private size = 0;
  private dirty = false;
  /** Syncs dirty records every syncMs; a log that signs checkpoints syncs at each checkpoint instead (one fdatasync, not two). */
  private readonly timer: NodeJS.Timeout | null = null;
  private readonly hold: boolean;
  /**
   * The Merkle tree over every line of the file (line i is leaf i), kept by a log that signs
   * checkpoints only: a direct-mode CLI does not read the whole log at each open for a tree it would not use.
   */
  private readonly tree: MerkleFrontier | null;
  /** The verifier key named by the log's last audit_key record (null: none yet). */
  private epochKey: string | null = null;
  private readonly checkpointer: Checkpointer | null = null;

  constructor(
    readonly path: string,
    private readonly host: string,
    private readonly opts: AuditLogOptions,
  ) {
    this.hold = opts.hold;
    this.tree = opts.checkpoints ? new MerkleFrontier() : null;
    this.fd = openNoFollow(path, "a+");
    try {
      this.lock();
      this.catchUp();
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
    if (!this.hold) native().funlock(this.fd);
    this.checkHead();
    const cp = opts.checkpoints;
    if (!cp) {
      this.timer = setInterval(() => this.sync(), opts.syncMs ?? 1000);
      this.timer.unref();
    } else {
      if (!this.hold) throw new Error("only the log's holder signs checkpoints");
      try {
        this.checkpointer = new Checkpointer(cp.path, cp.signer, { head: () => this.head()!, sync: () => this.sync() }, cp.gapMs ?? opts.syncMs);
        this.startEpoch(cp.signer.verifierKey);
        // Records left unsigned (by a direct-mode CLI, or a crash before the last checkpoint) are signed now.
        if (this.tree!.size > this.checkpointer.size) this.checkpointer.grew();
      } catch (err) {
        this.close();
        throw err;
      }
    }
  }

  /** The tree head over every record written: its size (the records) and RFC 9162 root; null when no tree is kept (no checkpoints). */
  head(): { size: number; root: Buffer } | null {
    return this.tree && { size: this.tree.size, root: this.tree.root() };
  }

  /** A new key epoch when the log's last audit_key record does not name `key` (first start, or a lost key replaced). */
  private startEpoch(key: string): void {
    if (this.epochKey === key) return;
    const previous = this.epochKey;
    this.append({ action: "audit_key", outcome: "ok", detail: { key, previous, reason: previous === null ? "first_key" : "key_lost" } });
  }

  /**
   * Appends one record, written to the file before this returns (no fsync): a caller that serves
   * a secret after append() returned knows the read is on record. Throws when it cannot write.
   */
  append(fields: AuditFields): AuditRecord {
    if (this.hold) return this.write(fields);
    this.lock();
    try {
      this.catchUp();
      return this.write(fields);
    } finally {
      native().funlock(this.fd);
    }
  }

  /** Set when the log was found behind the head recorded last time (see checkHead). */
  rolledBack: { head: ChainHead; logSeq: number; keptAt: string } | null = null;

  /**
   * A log that ends before the head synced last time was truncated or replaced by an older copy.
   * The old head is kept aside (it is the evidence; the next sync would overwrite it) and the
   * finding is left in `rolledBack` for the caller to report.
   */
  private checkHead(): void {
    const path = this.opts.headPath;
    const head = path ? readHead(path) : null;
    if (!path || !head || head.seq <= this.seq) return;
    const keptAt = `${path}.${new Date().toISOString().replace(/[:.]/g, "-")}.stale`;
    renameSync(path, keptAt);
    this.rolledBack = { head, logSeq: this.seq, keptAt };
  }

  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
    if (this.opts.headPath) writeHead(this.opts.headPath, { seq: this.seq, hash: this.prev });
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    try {
      this.checkpointer?.close(); // syncs the log first
    } finally {
      this.sync();
      closeSync(this.fd); // drops the flock
    }
  }

  private write(fields: AuditFields): AuditRecord {
    const base = { v: 1 as const, seq: this.seq + 1, ts: new Date().toISOString(), host: this.host, ...fields, prev: this.prev };
    const json = JSON.stringify(base);
    const hash = chainHash(this.prev, json);
    const text = `${json.slice(0, -1)},"hash":"${hash}"}`; // = JSON.stringify({...base, hash})
    const framed = Buffer.from(`\u0000${text}\n`); // the leaf hash's 0x00 prefix, then the line
    const line = framed.subarray(1);
    for (let off = 0; off < line.length; ) off += writeSync(this.fd, line, off);
    this.seq = base.seq;
    this.prev = hash;
    this.size += line.length;
    this.tree?.append(leafOf(framed));
    this.dirty = true;
    if (fields.action === "audit_key" && typeof fields.detail?.key === "string") this.epochKey = fields.detail.key;
    const record = { ...base, hash };
    this.opts.onAppend?.(record, text, this.size);
    this.checkpointer?.grew();
    return record;
  }

  private lock(): void {
    const deadline = Date.now() + 3000;
    while (!native().tryFlock(this.fd, true)) {
      if (Date.now() > deadline) {
        throw new WardenError("already_running", `${this.path} is held by another writer (the running daemon?); read through the daemon instead`, {
          path: this.path,
        });
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }

  /**
   * Under the flock: brings seq and prev up to the file's last record when the file is not the
   * size we left it, cutting off a torn last line (a writer that died mid-append; never
   * acknowledged) so the next record starts on a line of its own. The lines it had not seen are
   * added to the tree (at open: the whole file, streamed).
   */
  private catchUp(): void {
    const size = fstatSync(this.fd).size;
    if (size === this.size) return;
    // The last record that parses (skipping any garbage after it), read backwards from the end.
    const tail = lastCompleteLine(this.fd, size, chainRecord);
    if (tail.end < size) ftruncateSync(this.fd, tail.end);
    const key = this.tree && addLeaves(this.fd, this.size, tail.end, this.tree);
    if (typeof key === "string") this.epochKey = key;
    this.size = tail.end;
    if (tail.last) {
      this.seq = tail.last.seq;
      this.prev = tail.last.hash;
    }
  }
}

function writeHead(path: string, head: ChainHead): void {
  const tmp = `${path}.tmp`;
  writeFileNoFollow(tmp, JSON.stringify(head) + "\n");
  renameSync(tmp, path);
}

export function readHead(path: string): ChainHead | null {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as ChainHead;
    return typeof h.seq === "number" && typeof h.hash === "string" ? h : null;
  } catch {
    return null;
  }
}

/** A line that is an audit record (seq and hash): where the chain goes on from. */
function chainRecord(line: string): AuditRecord | null {
  try {
    const record = JSON.parse(line) as AuditRecord;
    return typeof record.seq === "number" && typeof record.hash === "string" ? record : null;
  } catch {
    return null; // garbage line: keep looking further back
  }
}
