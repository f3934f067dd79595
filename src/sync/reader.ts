// The daemon's side of the transcript reader thread: jobs (one slice of one file each) run in the
// order asked, batches applied as they arrive (each in its own transaction, between other work on
// the event loop) and acknowledged so the reader can go on. Reading and writing overlap: while one
// batch is written, the next is read — of the same file, or of the next job's.
import { Worker } from "node:worker_threads";
import type { SecretValues } from "../masking/secret-values.js";
import type { SyncStep } from "../projection/catchup.js";
import type { Watermark } from "../projection/projection.js";
import type { Resume } from "../projection/resume.js";
import type { SourceFile } from "../projection/sources.js";
import type { FileStat, TranscriptBatch } from "./transcript-slice.js";

/** A job's batches apply in order or not at all: once one is refused, `refused` drops the rest. */
interface Job {
  onBatch: (b: TranscriptBatch) => boolean;
  resolve: (s: SyncStep) => void;
  reject: (e: Error) => void;
  refused: boolean;
}

type Reply = { type: "batch"; job: number; batch: TranscriptBatch } | { type: "end"; job: number; step: SyncStep } | { type: "error"; job: number; message: string };

export class TranscriptReader {
  private readonly worker: Worker;
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private nextJob = 1;
  private secretsSent = -1;
  private readonly jobs = new Map<number, Job>();

  constructor(private readonly secrets: SecretValues) {
    this.worker = new Worker(new URL("./reader-worker.js", import.meta.url), { workerData: { shared: this.shared.buffer } });
    this.worker.unref();
    this.worker.on("message", (m: Reply) => this.reply(m));
    this.worker.on("error", (err) => this.failAll(err));
  }

  /**
   * Reads one slice of a transcript; `onBatch` applies each batch (returning false refuses it and
   * stops the job: no later batch of the job is handed over). Resolves with how the slice ended.
   * The thread re-checks `resume` against the file when it opens it (`st` is the caller's stat).
   */
  read(source: SourceFile, st: FileStat, wm: Watermark | undefined, resume: Resume, budget: number, onBatch: (b: TranscriptBatch) => boolean): Promise<SyncStep> {
    if (this.secrets.size !== this.secretsSent) {
      this.secretsSent = this.secrets.size;
      this.worker.postMessage({ type: "secrets", values: this.secrets.values() });
    }
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.jobs.set(job, { onBatch, resolve, reject, refused: false });
      this.worker.postMessage({ type: "read", job, source, st, wm, resume, budget });
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
        if (c && !c.refused && !c.onBatch(m.batch)) {
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
    if (m.type === "end") c.resolve(m.step);
    else c.reject(new Error(m.message));
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
    this.cancel();
    await this.worker.terminate();
    this.failAll(new Error("the transcript reader was closed"));
  }
}
