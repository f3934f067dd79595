// The daemon's side of the transcript reader thread: one job at a time, batches applied as they
// arrive (each in its own transaction, between other work on the event loop), acknowledged so the
// reader can go on. Reading and writing overlap: while one batch is written, the next is read.
import { Worker } from "node:worker_threads";
import type { SecretValues } from "../masking/secret-values.js";
import type { SyncStep } from "../projection/catchup.js";
import type { Resume } from "../projection/resume.js";
import type { SourceFile } from "../projection/sources.js";
import type { FileStat, ResumeFrom, TranscriptBatch } from "./transcript-slice.js";

type Reply = { type: "batch"; job: number; batch: TranscriptBatch } | { type: "end"; job: number; step: SyncStep } | { type: "error"; job: number; message: string };

export class TranscriptReader {
  private readonly worker: Worker;
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private nextJob = 1;
  private secretsSent = -1;
  private current: { job: number; onBatch: (b: TranscriptBatch) => boolean; resolve: (s: SyncStep) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly secrets: SecretValues) {
    this.worker = new Worker(new URL("./reader-worker.js", import.meta.url), { workerData: { shared: this.shared.buffer } });
    this.worker.unref();
    this.worker.on("message", (m: Reply) => this.reply(m));
    this.worker.on("error", (err) => this.current?.reject(err));
  }

  /**
   * Reads one slice of a transcript; `onBatch` applies each batch (returning false stops the job:
   * the projection went away under it). Resolves with how the slice ended.
   */
  read(source: SourceFile, st: FileStat, wm: ResumeFrom, resume: Resume, budget: number, onBatch: (b: TranscriptBatch) => boolean): Promise<SyncStep> {
    if (this.current) throw new Error("the transcript reader is busy");
    if (this.secrets.size !== this.secretsSent) {
      this.secretsSent = this.secrets.size;
      this.worker.postMessage({ type: "secrets", values: this.secrets.values() });
    }
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.current = { job, onBatch, resolve, reject };
      this.worker.postMessage({ type: "read", job, source, st, wm, resume, budget });
    });
  }

  private reply(m: Reply): void {
    const c = this.current;
    if (m.type === "batch") {
      try {
        if (c && m.job === c.job && !c.onBatch(m.batch)) this.stop(c.job); // else a stopped job's straggler
      } catch (err) {
        this.stop(m.job);
        this.current = null;
        c!.reject(err as Error);
      } finally {
        // Every batch is acknowledged, applied or not, so the reader's window stays true.
        Atomics.add(this.shared, 0, 1);
        Atomics.notify(this.shared, 0);
      }
      return;
    }
    if (!c || m.job !== c.job) return;
    this.current = null;
    if (m.type === "end") c.resolve(m.step);
    else c.reject(new Error(m.message));
  }

  private stop(job: number): void {
    Atomics.store(this.shared, 1, job);
    Atomics.notify(this.shared, 0);
  }

  /** Asks the job under way to stop after its current batch (it then resolves, done: false). */
  cancel(): void {
    if (this.current) this.stop(this.current.job);
  }

  async close(): Promise<void> {
    this.cancel();
    await this.worker.terminate();
    this.current?.reject(new Error("the transcript reader was closed"));
    this.current = null;
  }
}
