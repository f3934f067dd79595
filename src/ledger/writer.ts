// The one ledger writer of this host: appends events to ledger/<host>/<session>.jsonl with group
// commit. Appends queue for at most `flushMs` or until `maxBatchBytes` are waiting, then each
// touched file gets one write and one fdatasync (durability "batch"); "always" flushes every
// append at once, "none" skips the fdatasync. I/O runs in libuv's pool, off the event loop. Only
// after a batch is durable is it handed to `onCommit` (the projection) and are the appends'
// promises resolved: an acknowledged event is on disk.
import { closeSync, openSync, readSync, fstatSync, ftruncateSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { parseEvent, type LedgerEvent } from "./events.js";

export type Durability = "batch" | "always" | "none";

export interface LedgerWriterOptions {
  /** ledger/<host>: this host's directory, written by this writer only. */
  dir: string;
  durability: Durability;
  flushMs: number;
  maxBatchBytes: number;
  maxOpenFiles: number;
}

export interface CommittedFile {
  session: string;
  path: string;
  events: LedgerEvent[];
  /** File size after this batch: the offset a watermark records. */
  end: number;
}

interface Pending {
  event: LedgerEvent;
  line: Buffer;
  resolve(e: LedgerEvent): void;
  reject(err: Error): void;
}

interface OpenFile {
  handle: FileHandle;
  size: number;
}

export class LedgerWriter {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly seqs = new Map<string, number>();
  private readonly files = new Map<string, OpenFile>();
  private closed = false;

  constructor(
    private readonly opts: LedgerWriterOptions,
    private readonly onCommit: (files: CommittedFile[]) => void,
  ) {}

  pathOf(session: string): string {
    return join(this.opts.dir, `${session}.jsonl`);
  }

  /** Queues one event; resolves with it (seq assigned) once its batch is durable and applied. */
  append(session: string, kind: string, data: Record<string, unknown>): Promise<LedgerEvent> {
    if (this.closed) return Promise.reject(new Error("ledger writer closed"));
    const seq = this.nextSeq(session);
    const event: LedgerEvent = { v: 1, session, seq, ts: new Date().toISOString(), kind, data };
    const line = Buffer.from(JSON.stringify(event) + "\n");
    return new Promise((resolve, reject) => {
      this.queue.push({ event, line, resolve, reject });
      this.queuedBytes += line.length;
      if (this.opts.durability === "always" || this.queuedBytes >= this.opts.maxBatchBytes) this.flushSoon(0);
      else this.flushSoon(this.opts.flushMs);
    });
  }

  /** The last seq of `session` so far: 0 for a new session. */
  lastSeq(session: string): number {
    return this.nextSeq(session, false);
  }

  /** The kind of the session's last event on disk (null when it has none). */
  lastKindOnDisk(session: string): string | null {
    return lastEventOnDisk(this.pathOf(session))?.kind ?? null;
  }

  /** Writes out everything queued so far; resolves once it is durable. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    for (const f of this.files.values()) await f.handle.close();
    this.files.clear();
  }

  private flushSoon(ms: number): void {
    if (this.timer !== undefined && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), ms);
  }

  private nextSeq(session: string, take = true): number {
    let last = this.seqs.get(session);
    if (last === undefined) last = lastEventOnDisk(this.pathOf(session))?.seq ?? 0;
    this.seqs.set(session, take ? last + 1 : last);
    return take ? last + 1 : last;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedBytes = 0;
    const bySession = new Map<string, Pending[]>();
    for (const p of batch) {
      const list = bySession.get(p.event.session);
      if (list) list.push(p);
      else bySession.set(p.event.session, [p]);
    }
    const committed: CommittedFile[] = [];
    try {
      await Promise.all(
        [...bySession].map(async ([session, items]) => {
          const file = await this.fileOf(session);
          const data = Buffer.concat(items.map((i) => i.line));
          for (let off = 0; off < data.length; ) off += (await file.handle.write(data, off, data.length - off)).bytesWritten;
          file.size += data.length;
          if (this.opts.durability !== "none") await file.handle.datasync();
          committed.push({ session, path: this.pathOf(session), events: items.map((i) => i.event), end: file.size });
        }),
      );
      this.onCommit(committed);
    } catch (err) {
      // The files may hold part of the batch: forget cached state so the next append re-reads
      // each tail (cutting a torn line) instead of guessing. Appends queued meanwhile for those
      // sessions carry seqs that assumed this batch; they fail too rather than leave a gap.
      const failed = [...batch, ...this.queue.filter((p) => bySession.has(p.event.session))];
      this.queue = this.queue.filter((p) => !bySession.has(p.event.session));
      for (const session of bySession.keys()) {
        this.seqs.delete(session);
        const f = this.files.get(session);
        this.files.delete(session);
        await f?.handle.close().catch(() => {});
      }
      for (const p of failed) p.reject(err as Error);
      return;
    }
    for (const p of batch) p.resolve(p.event);
    await this.trimOpenFiles();
  }

  /** Closes the least recently used files past maxOpenFiles (between batches, never during one). */
  private async trimOpenFiles(): Promise<void> {
    while (this.files.size > this.opts.maxOpenFiles) {
      const [oldest, f] = this.files.entries().next().value as [string, OpenFile];
      this.files.delete(oldest);
      await f.handle.close();
    }
  }

  private async fileOf(session: string): Promise<OpenFile> {
    const cached = this.files.get(session);
    if (cached) {
      this.files.delete(session); // re-insert: most recently used last
      this.files.set(session, cached);
      return cached;
    }
    const path = this.pathOf(session);
    cutTornTail(path);
    const handle = await open(path, "a", 0o600);
    const file = { handle, size: (await handle.stat()).size };
    this.files.set(session, file);
    return file;
  }
}

/** The last complete event in a session file, or null. */
function lastEventOnDisk(path: string): LedgerEvent | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    for (let window = 16 * 1024; ; window *= 4) {
      const start = Math.max(0, size - window);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const lines = buf.toString("utf8").split("\n");
      lines.pop(); // the torn tail, or "" after the last newline
      if (start > 0) lines.shift(); // may be cut at the window's edge
      for (let i = lines.length - 1; i >= 0; i--) {
        const e = parseEvent(lines[i]!);
        if (e) return e;
      }
      if (start === 0) return null;
    }
  } finally {
    closeSync(fd);
  }
}

/** A torn last line (this writer died mid-append; never acknowledged) is cut before appending. */
function cutTornTail(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "r+");
  } catch {
    return;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const window = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(window);
    readSync(fd, buf, 0, window, size - window);
    const nl = buf.lastIndexOf(0x0a);
    if (nl === window - 1) return;
    if (nl >= 0 || window === size) ftruncateSync(fd, size - window + nl + 1);
  } finally {
    closeSync(fd);
  }
}
