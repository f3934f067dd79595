// The one ledger writer of this host: appends events to ledger/<host>/<session>.jsonl with group
// commit. Each event's line is written to its file at once (a write(2) into the page cache, on
// the event loop, a few microseconds), so the daemon dying a moment later loses nothing it had
// streamed to anyone; only the fdatasync is batched: appends wait for at most `flushMs` or until
// `maxBatchBytes` are waiting, then each touched file gets one fdatasync (durability "batch");
// "always" syncs every append at once, "none" never. Only after a batch is durable is it handed
// to `onCommit` (the projection) and are the appends' promises resolved: an acknowledged event is
// on disk. A failed write or sync cuts the file back to where the batch began and fails the
// batch's appends (and any queued after them for that file), so seqs never have a gap.
import { closeSync, existsSync, fstatSync } from "node:fs";
import { openNoFollow } from "../platform/nofollow.js";
import { join } from "node:path";
import type { LedgerData, LedgerEventOf, LedgerKind } from "./event-map.js";
import { lineWithBytes, type LedgerEvent } from "./events.js";
import { cutTornTail, lastEventOnDisk, LedgerFile, syncDir } from "./session-file.js";

export type Durability = "batch" | "always" | "none";

/**
 * A batch that arrived at this rate or faster means output is streaming (a program printing at
 * full speed, or fifty sessions at 100 KB/s each): the next batch gathers for
 * STREAMING_FLUSH_FACTOR × flushMs, so sustained output costs a fifth of the fdatasyncs and
 * projection transactions (50 sessions: 55% -> 35-40% of a core). Lines are still written at once
 * and streamed to subscribers; only the sync and the acknowledgement wait longer. A slower batch
 * puts the writer back at flushMs. A rate, not a size: many sessions each printing a little add
 * up to a stream no single batch of flushMs shows.
 */
const STREAMING_BYTES_PER_MS = 2 * 1024;
const STREAMING_FLUSH_FACTOR = 5;

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
  /** The batch's events, each with where its line starts and its length (newline excluded). */
  events: Array<{ event: LedgerEvent; offset: number; length: number }>;
  /** File size after this batch: the offset a watermark records. */
  end: number;
  /** The batch's last line (newline excluded): the watermark's tail hash is taken of it. */
  lastLine: Buffer;
}

interface Pending {
  event: LedgerEvent;
  line: Buffer;
  resolve(e: LedgerEvent): void;
  reject(err: Error): void;
}

/** One session's appends since its last batch. */
interface SessionBatch {
  items: Pending[];
  /** File size before the first of them: where a failure cuts back to. */
  start: number;
  end: number;
  /** Set by a failed write: the rest of the batch is not written and fails with it. */
  error: Error | null;
}

export class LedgerWriter {
  private pending = new Map<string, SessionBatch>();
  private queuedBytes = 0;
  private streaming = false;
  /** When the batch being gathered got its first line (Date.now(): tests mock it with the timers). */
  private batchSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly seqs = new Map<string, number>();
  private readonly files = new Map<string, { handle: LedgerFile }>();
  private closed = false;
  /** Sessions whose write failed and whose batch has not been failed yet: nothing more is written for them until it has. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly opts: LedgerWriterOptions,
    private readonly onCommit: (files: CommittedFile[]) => void,
  ) {}

  pathOf(session: string): string {
    return join(this.opts.dir, `${session}.jsonl`);
  }

  /** Queues one event; resolves with it (seq assigned) once its batch is durable and applied. */
  append<K extends LedgerKind>(session: string, kind: K, data: LedgerData<K>): Promise<LedgerEventOf<K>> {
    if (this.closed) return Promise.reject(new Error("ledger writer closed"));
    return this.enqueue(session, kind, data).durable;
  }

  /**
   * Like append, but hands back the event at once, seq assigned and its line in the file, for
   * live streaming: subscribers see it before it is durable (the keystroke round trip cannot
   * wait for an fdatasync). `payload`: recorded bytes, added to data as `text` or `b64`
   * (lineWithBytes). `bytes` is the length of its ledger line. Throws when the writer is closed;
   * a failed write shows as `durable` rejecting.
   */
  enqueue<K extends LedgerKind>(
    session: string,
    kind: K,
    data: LedgerData<K>,
    payload?: Uint8Array,
  ): { event: LedgerEventOf<K>; bytes: number; durable: Promise<LedgerEventOf<K>> } {
    if (this.closed) throw new Error("ledger writer closed");
    const seq = this.nextSeq(session);
    // The map's data types are JSON objects; the payload's bytes join data as text or b64 (lineWithBytes).
    const event = { v: 1, session, seq, ts: new Date().toISOString(), kind, data } as LedgerEventOf<K>;
    const line = payload ? lineWithBytes(event, payload) : Buffer.from(JSON.stringify(event) + "\n");
    let item!: Pending;
    const durable = new Promise<LedgerEventOf<K>>((resolve, reject) => (item = { event, line, resolve: resolve as (e: LedgerEvent) => void, reject }));
    let batch = this.pending.get(session);
    if (!batch) this.pending.set(session, (batch = { items: [], start: -1, end: -1, error: null }));
    batch.items.push(item);
    if (!batch.error && this.failing.has(session)) batch.error = new Error(`an earlier write to ${this.pathOf(session)} failed`);
    if (!batch.error) {
      let file: LedgerFile | undefined;
      try {
        file = this.fileOf(session);
        if (batch.start < 0) batch.start = file.size;
        file.append(line);
        batch.end = file.size;
      } catch (err) {
        batch.error = err as Error;
        this.failing.add(session);
        this.cutBack(session, file, batch.start, false); // seqs go on until the batch fails as a whole: none is handed out twice
      }
    }
    if (this.queuedBytes === 0) this.batchSince = Date.now();
    this.queuedBytes += line.length;
    if (this.opts.durability === "always" || this.queuedBytes >= this.opts.maxBatchBytes || batch.error) this.flushSoon(0);
    else this.flushSoon(this.streaming ? this.opts.flushMs * STREAMING_FLUSH_FACTOR : this.opts.flushMs);
    return { event, bytes: line.length, durable };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The last seq of `session` so far: 0 for a new session. */
  lastSeq(session: string): number {
    return this.nextSeq(session, false);
  }

  /** The kind of the session's last event on disk (null when it has none). */
  lastKindOnDisk(session: string): string | null {
    return lastEventOnDisk(this.pathOf(session))?.kind ?? null;
  }

  /** Makes everything queued so far durable; resolves once it is. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.syncBatch());
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    for (const f of this.files.values()) f.handle.close();
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

  private async syncBatch(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    this.streaming = this.queuedBytes / Math.max(Date.now() - this.batchSince, this.opts.flushMs, 1) >= STREAMING_BYTES_PER_MS;
    this.queuedBytes = 0;
    // Each session file succeeds or fails on its own: one full disk must not fail the others.
    const sessions = [...batch.keys()];
    const outcomes = await Promise.allSettled(sessions.map((session) => this.syncSession(session, batch.get(session)!)));
    const committed: CommittedFile[] = [];
    for (const [i, session] of sessions.entries()) {
      const o = outcomes[i]!;
      const b = batch.get(session)!;
      if (o.status === "fulfilled") {
        let offset = b.start;
        const events = b.items.map((p) => {
          const at = { event: p.event, offset, length: p.line.length - 1 };
          offset += p.line.length;
          return at;
        });
        const last = b.items.at(-1)!.line;
        committed.push({ session, path: this.pathOf(session), events, end: b.end, lastLine: last.subarray(0, last.length - 1) });
        continue;
      }
      const err = o.reason as Error;
      // Appends written since (the next batch) follow lines that are gone: they fail too.
      const next = this.pending.get(session);
      this.pending.delete(session);
      this.cutBack(session, this.files.get(session)?.handle, b.start);
      for (const p of [...b.items, ...(next?.items ?? [])]) p.reject(err);
      this.failing.delete(session); // seqs are re-read from the file from here on
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
    for (const c of committed) for (const p of batch.get(c.session)!.items) p.resolve(p.event);
    this.trimOpenFiles();
  }

  private async syncSession(session: string, b: SessionBatch): Promise<void> {
    if (b.error) throw b.error;
    if (this.opts.durability === "none") return;
    const file = this.files.get(session)?.handle ?? this.fileOf(session); // reopened if trimmed meanwhile
    await file.datasync();
    if (file.fresh) {
      await syncDir(this.opts.dir); // the new file's name, too
      file.fresh = false;
    }
  }

  /** After a failure: the file back to `size` (nothing of a failed batch stays), then the seq re-read from it. */
  private cutBack(session: string, file: LedgerFile | undefined, size: number, forgetSeq = true): void {
    if (forgetSeq) this.seqs.delete(session);
    const f = file ?? this.files.get(session)?.handle;
    this.files.delete(session);
    if (!f) return;
    try {
      if (size >= 0) f.truncate(size);
    } catch {
      // the next open cuts a torn tail; a whole line left behind was written but never acknowledged
    }
    try {
      f.close();
    } catch {
      // already closed
    }
  }

  /** Closes the least recently used files past maxOpenFiles; never one with appends waiting. */
  private trimOpenFiles(): void {
    for (const [session, f] of this.files) {
      if (this.files.size <= this.opts.maxOpenFiles) return;
      if (this.pending.has(session)) continue;
      this.files.delete(session);
      f.handle.close();
    }
  }

  private fileOf(session: string): LedgerFile {
    const cached = this.files.get(session);
    if (cached) {
      this.files.delete(session); // re-insert: most recently used last
      this.files.set(session, cached);
      return cached.handle;
    }
    const path = this.pathOf(session);
    const fresh = !existsSync(path);
    // O_NOFOLLOW: a symlink at a session's file fails its appends (unsafe_path), never writes through it.
    const fd = openNoFollow(path, "a+");
    try {
      if (!fresh) cutTornTail(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    const file = new LedgerFile(fd, fstatSync(fd).size, fresh);
    this.files.set(session, { handle: file });
    return file;
  }
}
