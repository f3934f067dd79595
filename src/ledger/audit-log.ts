// audit/<host>.jsonl: append-only, hash-chained. Each record carries `prev` (the previous record's
// hash) and `hash` = SHA-256 over prev and the record's own JSON, so an edited, dropped or
// reordered record breaks the chain at that point.
//
// One writer at a time, by flock: the daemon holds it for its whole life (so an append is a hash
// and a buffered write, flushed once per event-loop turn, before that turn's replies go out); a
// direct-mode CLI takes it per append and re-reads the tail, so the chain stays one chain.
// Not fsynced per record — a read must stay cheap: dirty data is fdatasynced within `syncMs`.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { hash } from "node:crypto";
import { native } from "../daemon/native.js";
import { WardenError } from "../errors.js";

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
  detail?: Record<string, unknown>;
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

function chainHash(prev: string, json: string): string {
  return hash("sha256", `${prev}\n${json}`, "hex"); // one-shot: no Hash object per record
}

export interface AuditLogOptions {
  /** Hold the flock for the log's lifetime and batch writes per event-loop turn (the daemon). */
  hold: boolean;
  syncMs?: number;
}

export class AuditLog {
  private readonly fd: number;
  private seq = 0;
  private prev = GENESIS;
  private size = 0;
  private dirty = false;
  private pending: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly hold: boolean;

  constructor(
    readonly path: string,
    private readonly host: string,
    opts: AuditLogOptions,
  ) {
    this.hold = opts.hold;
    this.fd = openSync(path, "a+", 0o600);
    try {
      this.lock();
      this.catchUp(true);
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
    if (!this.hold) native().funlock(this.fd);
    this.timer = setInterval(() => this.sync(), opts.syncMs ?? 1000);
    this.timer.unref();
  }

  append(fields: AuditFields): AuditRecord {
    if (!this.hold) {
      this.lock();
      try {
        this.catchUp(false);
        const record = this.next(fields);
        this.write();
        return record;
      } finally {
        native().funlock(this.fd);
      }
    }
    const record = this.next(fields);
    if (this.pending.length === 1) setImmediate(() => this.write());
    return record;
  }

  sync(): void {
    this.write();
    if (!this.dirty) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }

  close(): void {
    clearInterval(this.timer);
    this.sync();
    closeSync(this.fd); // drops the flock
  }

  private next(fields: AuditFields): AuditRecord {
    const base = { v: 1 as const, seq: this.seq + 1, ts: new Date().toISOString(), host: this.host, ...fields, prev: this.prev };
    const json = JSON.stringify(base);
    const hash = chainHash(this.prev, json);
    this.pending.push(`${json.slice(0, -1)},"hash":"${hash}"}\n`); // = JSON.stringify({...base, hash})
    this.seq = base.seq;
    this.prev = hash;
    return { ...base, hash };
  }

  private write(): void {
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(""));
    this.pending = [];
    writeSync(this.fd, chunk);
    this.size += chunk.length;
    this.dirty = true;
  }

  private lock(): void {
    const deadline = Date.now() + 3000;
    while (!native().tryFlock(this.fd, true)) {
      if (Date.now() > deadline) {
        throw new WardenError("already_running", `${this.path} is held by another writer (the running daemon?); read through the daemon instead`, { path: this.path });
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }

  /**
   * Brings seq and prev up to the file's last record when the file is not the size we left it.
   * At open, a torn last line (a crash mid-append, never acknowledged) is cut off.
   */
  private catchUp(atOpen: boolean): void {
    const size = fstatSync(this.fd).size;
    if (size === this.size) return;
    const tail = readTail(this.fd, size);
    if (atOpen && tail.tornBytes > 0) ftruncateSync(this.fd, size - tail.tornBytes);
    this.size = size - (atOpen ? tail.tornBytes : 0);
    if (tail.last) {
      this.seq = tail.last.seq;
      this.prev = tail.last.hash;
    }
  }
}

/** The last complete record of the file and the length of any unterminated tail after it. */
function readTail(fd: number, size: number): { last: AuditRecord | null; tornBytes: number } {
  let window = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - window);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) {
      if (start === 0) return { last: null, tornBytes: buf.length };
      window *= 4; // no newline in the window: widen it
      continue;
    }
    const tornBytes = buf.length - end - 1;
    const lineStart = buf.lastIndexOf(0x0a, end - 1) + 1;
    if (lineStart > 0 || start === 0) {
      try {
        return { last: JSON.parse(buf.subarray(lineStart, end).toString("utf8")) as AuditRecord, tornBytes };
      } catch {
        return { last: null, tornBytes };
      }
    }
    window *= 4; // one line longer than the window: widen it
  }
}
