// The daemon's side of the transcript reader thread: jobs (one slice of one file each) run in the
// order asked, batches applied as they arrive (each in its own transaction, between other work on
// the event loop) and acknowledged so the reader can go on. Reading and writing overlap: while one
// batch is written, the next is read — of the same file, or of the next job's.
import { Worker } from "node:worker_threads";
import type { SecretValues } from "../masking/secret-values.js";
import type { ImportStep } from "./import-step.js";
import type { Watermark } from "../projection/projection.js";
import type { Resume } from "./resume.js";
import type { SourceFile } from "../projection/sources.js";
import type { FileStat, TranscriptBatch } from "./transcript-slice.js";

/** Consecutive deaths of the thread (no job ending normally in between) before it is given up. */
const MAX_RESTARTS = 5;
/** Deaths while reading one file (as it stands: same size, mtime, inode) before that file is given up. */
const FILE_DEATHS = 2;
/** The first respawn waits this long, each next one twice as long. */
const BACKOFF_MS = 100;

type ReadRequest = { type: "read"; job: number; source: SourceFile; st: FileStat; wm: Watermark | undefined; resume: Resume; budget: number };

/** A job's batches apply in order or not at all: once one is refused, `refused` drops the rest. */
interface Job {
  request: ReadRequest;
  /** Told with each batch the version of the secrets it was masked with (a newer value is masked on apply). */
  onBatch: (b: TranscriptBatch, secretsVersion: number) => boolean;
  /** The SecretValues version of the snapshot the thread reading it holds. */
  version: number;
  resolve: (s: ImportStep) => void;
  reject: (e: Error) => void;
  refused: boolean;
}

type Reply =
  | { type: "batch"; job: number; batch: TranscriptBatch }
  | { type: "end"; job: number; step: ImportStep }
  | { type: "error"; job: number; message: string };

export interface ReaderState {
  state: "running" | "restarting" | "failed";
  /** Times the thread died and was started again. */
  restarts: number;
  /** Why it last died; null while it never has. */
  lastError: string | null;
}

export class TranscriptReader {
  private worker: Worker | null = null;
  private shared = new Int32Array(new SharedArrayBuffer(8));
  private nextJob = 1;
  private secretsSent = -1;
  private readonly jobs = new Map<number, Job>();
  private respawn: NodeJS.Timeout | null = null;
  private deathsInARow = 0;
  /** Files the thread died reading, as they stood (`key`), and how often. */
  private readonly deaths = new Map<string, { key: string; n: number }>();
  private failed: Error | null = null;
  private closed = false;
  readonly status: ReaderState = { state: "running", restarts: 0, lastError: null };

  constructor(
    private readonly secrets: SecretValues,
    /** The thread's heap (V8 old generation) limit: a transcript that needs more kills the thread, not the daemon. */
    private readonly heapMb?: number,
    private readonly log?: (message: string, fields: Record<string, unknown>) => void,
  ) {
    this.spawn();
  }

  /**
   * A new thread, with a fresh window (acknowledgement counters) and the secrets; jobs not ended
   * when the previous one died are asked of it again, in order, from their own resume points
   * (a batch already applied makes the next one refused: the job ends not done and is retried).
   */
  private spawn(): void {
    this.respawn = null;
    if (this.closed) return;
    this.shared = new Int32Array(new SharedArrayBuffer(8));
    let w: Worker;
    try {
      w = new Worker(new URL("./reader-worker.js", import.meta.url), {
        workerData: { shared: this.shared.buffer },
        resourceLimits: this.heapMb ? { maxOldGenerationSizeMb: this.heapMb } : undefined,
      });
    } catch (err) {
      return this.died(`the thread could not start: ${(err as Error).message}`); // counted like a death: bounded
    }
    this.worker = w;
    w.unref();
    let error: Error | null = null;
    w.on("message", (m: Reply) => {
      if (this.worker === w) this.reply(m);
    });
    w.on("error", (err) => (error = err));
    w.on("exit", (code) => {
      if (this.worker === w && !this.closed) this.died(error?.message ?? `the thread exited (code ${code})`);
    });
    this.secretsSent = -1;
    this.sendSecrets();
    for (const j of this.jobs.values()) {
      j.refused = false;
      j.version = this.secretsSent; // asked again: its batches are masked with the snapshot just sent
      w.postMessage(j.request);
    }
    if (this.status.state === "restarting") this.status.state = "running";
  }

  /**
   * The thread died (out of memory on a hostile transcript, a crash): the job it was reading —
   * the oldest not ended, jobs run in order — is the suspect, given up after FILE_DEATHS deaths
   * on the same file; the others are kept for the next thread, started after a backoff. After
   * MAX_RESTARTS deaths in a row, the reader is given up: every job fails, and so do later ones.
   */
  private died(reason: string): void {
    this.worker = null;
    this.deathsInARow++;
    this.status.restarts++;
    this.status.lastError = reason;
    const suspect = this.jobs.entries().next().value;
    if (suspect) {
      const [id, job] = suspect;
      const key = fileKey(job.request);
      const prev = this.deaths.get(job.request.source.rel);
      const n = prev?.key === key ? prev.n + 1 : 1;
      this.deaths.set(job.request.source.rel, { key, n });
      if (n >= FILE_DEATHS) {
        this.jobs.delete(id);
        job.reject(new Error(`the transcript reader died reading this file ${n} times (${reason}); it is tried again when it changes`));
      }
    }
    if (this.deathsInARow >= MAX_RESTARTS) {
      this.failed = new Error(
        `the transcript reader died ${this.deathsInARow} times in a row (${reason}); transcripts are not imported until the daemon restarts`,
      );
      this.status.state = "failed";
      this.log?.(this.failed.message, { event: "sync_reader_failed", restarts: this.status.restarts });
      this.failAll(this.failed);
      return;
    }
    this.status.state = "restarting";
    this.log?.(`the transcript reader died (${reason}); restarting it`, { event: "sync_reader_died", restarts: this.status.restarts });
    this.respawn = setTimeout(() => this.spawn(), BACKOFF_MS * 2 ** (this.deathsInARow - 1));
    this.respawn.unref();
  }

  private sendSecrets(): void {
    if (this.worker && this.secrets.version !== this.secretsSent) {
      this.secretsSent = this.secrets.version;
      this.worker.postMessage({ type: "secrets", snapshot: this.secrets.snapshot() });
    }
  }

  /**
   * Reads one slice of a transcript; `onBatch` applies each batch (returning false refuses it and
   * stops the job: no later batch of the job is handed over). Resolves with how the slice ended.
   * The thread re-checks `resume` against the file when it opens it (`st` is the caller's stat).
   */
  read(
    source: SourceFile,
    st: FileStat,
    wm: Watermark | undefined,
    resume: Resume,
    budget: number,
    onBatch: (b: TranscriptBatch, secretsVersion: number) => boolean,
  ): Promise<ImportStep> {
    if (this.failed) return Promise.reject(this.failed);
    const job = this.nextJob++;
    const request: ReadRequest = { type: "read", job, source, st, wm, resume, budget };
    const dead = this.deaths.get(source.rel);
    if (dead && dead.n >= FILE_DEATHS && dead.key === fileKey(request)) {
      return Promise.reject(
        new Error(`the transcript reader died reading this file ${dead.n} times (${this.status.lastError}); it is tried again when it changes`),
      );
    }
    this.sendSecrets();
    return new Promise((resolve, reject) => {
      this.jobs.set(job, { request, onBatch, version: this.secretsSent, resolve, reject, refused: false }); // masked with what was sent last
      this.worker?.postMessage(request); // else the next thread is asked when it starts
    });
  }

  /** Jobs asked for and not yet ended. */
  get inFlight(): number {
    return this.jobs.size;
  }

  private reply(m: Reply): void {
    const c = this.jobs.get(m.job);
    if (m.type === "batch") {
      try {
        // A refused or failed job's stragglers are dropped: a later batch never applies without an earlier one.
        if (c && !c.refused && !c.onBatch(m.batch, c.version)) {
          c.refused = true;
          this.stop(m.job);
        }
      } catch (err) {
        this.stop(m.job);
        this.jobs.delete(m.job);
        c!.reject(err as Error);
      } finally {
        // Every batch is acknowledged, applied or not, so the reader's window stays true.
        Atomics.add(this.shared, 0, 1);
        Atomics.notify(this.shared, 0);
      }
      return;
    }
    if (!c) return;
    this.jobs.delete(m.job);
    this.deathsInARow = 0;
    if (m.type === "end") {
      this.deaths.delete(c.request.source.rel);
      c.resolve(m.step);
    } else c.reject(new Error(m.message));
  }

  /** Stops every job up to `job` (a later one, asked for meanwhile, is stopped with it: it is retried). */
  private stop(job: number): void {
    if (job > Atomics.load(this.shared, 1)) Atomics.store(this.shared, 1, job);
    Atomics.notify(this.shared, 0);
  }

  /** Asks every job asked for so far to stop after its current batch (each then resolves, done: false). */
  cancel(): void {
    this.stop(this.nextJob - 1);
  }

  private failAll(err: Error): void {
    for (const j of this.jobs.values()) j.reject(err);
    this.jobs.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.respawn) clearTimeout(this.respawn);
    this.cancel();
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
    this.failAll(new Error("the transcript reader was closed"));
  }
}

/** A file as it stood when a job was asked for it. */
const fileKey = (r: ReadRequest) => `${r.st.size}:${r.st.mtimeMs}:${r.st.ino}`;
