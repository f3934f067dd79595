// audit/<host>.jsonl: append-only, hash-chained. Each record carries `prev` (the previous record's
// hash) and `hash` = SHA-256 over prev and the record's own JSON, so an edited, dropped or
// reordered record breaks the chain at that point. Appends are flocked and re-read the tail when
// another process (a direct-mode CLI) appended meanwhile, so the chain stays one chain.
// Not fsynced per record: a read must stay cheap. Dirty data is fdatasynced within `syncMs`, and
// on close.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { native } from "../daemon/native.js";

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
  return createHash("sha256").update(prev).update("\n").update(JSON.stringify(withoutHash)).digest("hex");
}

export class AuditLog {
  private readonly fd: number;
  private seq = 0;
  private prev = GENESIS;
  private size = 0;
  private dirty = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly path: string,
    private readonly host: string,
    syncMs = 1000,
  ) {
    this.fd = openSync(path, "a+", 0o600);
    this.locked(() => this.catchUp(true));
    this.timer = setInterval(() => this.sync(), syncMs);
    this.timer.unref();
  }

  append(fields: AuditFields): AuditRecord {
    return this.locked(() => {
      this.catchUp(false);
      const base = { v: 1 as const, seq: this.seq + 1, ts: new Date().toISOString(), host: this.host, ...fields, prev: this.prev };
      const record: AuditRecord = { ...base, hash: recordHash(this.prev, base) };
      const line = Buffer.from(JSON.stringify(record) + "\n");
      writeSync(this.fd, line);
      this.seq = record.seq;
      this.prev = record.hash;
      this.size += line.length;
      this.dirty = true;
      return record;
    });
  }

  sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    fdatasyncSync(this.fd);
  }

  close(): void {
    clearInterval(this.timer);
    this.sync();
    closeSync(this.fd);
  }

  private locked<T>(fn: () => T): T {
    const deadline = Date.now() + 5000;
    while (!native().tryFlock(this.fd, true)) {
      if (Date.now() > deadline) throw new Error(`${this.path} stays locked by another process`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
    try {
      return fn();
    } finally {
      native().funlock(this.fd);
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
