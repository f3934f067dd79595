// The one ledger writer of this host: appends events to ledger/<host>/<session>.jsonl with group
// commit. Appends queue for at most `flushMs` or until `maxBatchBytes` are waiting, then each
// touched file gets one write and one fdatasync (durability "batch"); "always" flushes every
// append at once, "none" skips the fdatasync. I/O runs in libuv's pool, off the event loop. Only
// after a batch is durable is it handed to `onCommit` (the projection) and are the appends'
// promises resolved: an acknowledged event is on disk.
import { closeSync, existsSync, openSync, readSync, fstatSync, ftruncateSync } from "node:fs";
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
  /** Created by us and its directory entry not yet fsynced. */
  fresh: boolean;
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
    return this.enqueue(session, kind, data).durable;
  }

  /**
   * Like append, but hands back the event at once, seq assigned, for live streaming: subscribers
   * see it before it is durable (the keystroke round trip cannot wait for an fdatasync). `bytes`
   * is the length of its ledger line. Throws when the writer is closed.
   */
  enqueue(session: string, kind: string, data: Record<string, unknown>): { event: LedgerEvent; bytes: number; durable: Promise<LedgerEvent> } {
    if (this.closed) throw new Error("ledger writer closed");
    const seq = this.nextSeq(session);
    const event: LedgerEvent = { v: 1, session, seq, ts: new Date().toISOString(), kind, data };
    const line = Buffer.from(JSON.stringify(event) + "\n");
    const durable = new Promise<LedgerEvent>((resolve, reject) => {
      this.queue.push({ event, line, resolve, reject });
      this.queuedBytes += line.length;
      if (this.opts.durability === "always" || this.queuedBytes >= this.opts.maxBatchBytes) this.flushSoon(0);
      else this.flushSoon(this.opts.flushMs);
    });
    return { event, bytes: line.length, durable };
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
    // Each session file succeeds or fails on its own: one full disk must not fail the others.
    const outcomes = await Promise.allSettled([...bySession].map(([session, items]) => this.writeSession(session, items)));
    const committed: CommittedFile[] = [];
    const failed = new Map<string, Error>();
    [...bySession.keys()].forEach((session, i) => {
      const o = outcomes[i]!;
      if (o.status === "fulfilled") committed.push(o.value);
      else failed.set(session, o.reason as Error);
    });
    if (failed.size > 0) {
      // Forget everything cached about the failed sessions at once (before any await), so no
      // append can take a stale seq; appends queued meanwhile for them assumed this batch and
      // fail too, rather than leave a gap.
      const stale = this.queue.filter((p) => failed.has(p.event.session));
      this.queue = this.queue.filter((p) => !failed.has(p.event.session));
      const handles = [...failed.keys()].map((session) => {
        this.seqs.delete(session);
        const f = this.files.get(session);
        this.files.delete(session);
        return f;
      });
      for (const p of [...batch, ...stale]) {
        const err = failed.get(p.event.session);
        if (err) p.reject(err);
      }
      for (const f of handles) await f?.handle.close().catch(() => {});
    }
    // Durable: the appends are acknowledged whatever the projection makes of them (it catches up
    // from the files if it cannot apply them now).
    if (committed.length > 0) {
      try {
        this.onCommit(committed);
      } catch {
        // onCommit reports its own failures; never let them un-acknowledge durable events
      }
    }
    for (const c of committed) for (const p of bySession.get(c.session)!) p.resolve(p.event);
    await this.trimOpenFiles().catch(() => {});
  }

  /** One session's part of a batch: write, fdatasync; on failure, cut the file back to where it was. */
  private async writeSession(session: string, items: Pending[]): Promise<CommittedFile> {
    const file = await this.fileOf(session);
    const before = file.size;
    const data = Buffer.concat(items.map((i) => i.line));
    try {
      for (let off = 0; off < data.length; ) off += (await file.handle.write(data, off, data.length - off)).bytesWritten;
      if (this.opts.durability !== "none") await file.handle.datasync();
      if (file.fresh && this.opts.durability !== "none") await syncDir(this.opts.dir); // the new file's name, too
      file.fresh = false;
    } catch (err) {
      await file.handle.truncate(before).catch(() => {}); // a rejected event must really be absent
      throw err;
    }
    file.size += data.length;
    return { session, path: this.pathOf(session), events: items.map((i) => i.event), end: file.size };
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
    const fresh = !existsSync(path);
    if (!fresh) cutTornTail(path);
    const handle = await open(path, "a", 0o600);
    const file = { handle, size: (await handle.stat()).size, fresh };
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
    const buf = Buffer.alloc(64 * 1024);
    // Walk back from the end, whatever the torn line's length, to the last newline.
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buf.length);
      readSync(fd, buf, 0, end - start, start);
      const nl = buf.subarray(0, end - start).lastIndexOf(0x0a);
      if (nl >= 0) {
        if (start + nl + 1 < size) ftruncateSync(fd, start + nl + 1);
        return;
      }
      end = start;
    }
    if (size > 0) ftruncateSync(fd, 0); // one torn line and nothing before it
  } finally {
    closeSync(fd);
  }
}

async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
