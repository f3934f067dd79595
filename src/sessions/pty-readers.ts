// The daemon's side of the PTY reader thread (pty-reader-worker.ts): started with the first PTY
// session, shared by all of them. Each batch is handed out synchronously, in order, and
// acknowledged once handed out, so the thread sends the next only when the main thread has taken
// in (masked and written) the last: batches grow with the load, never the queue.
//
// A reader thread that dies takes its fds with it; ours are closed then too, so the terminals it
// read hang up (SIGHUP) and their programs end, as a terminal closing ends them: nothing runs
// unrecorded. What was read is recorded, each exit too; the next session starts a new thread.
import { Worker } from "node:worker_threads";
import type { Logger } from "../platform/log.js";
import type { ReaderBatch, ReaderRequest } from "./pty-reader-protocol.js";

export interface ReaderSink {
  data(chunk: Buffer): void;
  /** Reading has ended: every byte read was delivered before this. */
  closed(): void;
}

export class PtyReaders {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly sinks = new Map<number, ReaderSink>();
  private disposed = false;

  constructor(private readonly log: Logger) {}

  /** Reads `fd` (closed by the reader thread when reading ends) into `sink`; returns its id. */
  open(fd: number, sink: ReaderSink): number {
    if (this.disposed) throw new Error("the daemon is stopping");
    const id = this.nextId++;
    this.sinks.set(id, sink);
    this.post({ op: "open", id, fd });
    return id;
  }

  pause(id: number): void {
    this.post({ op: "pause", id });
  }

  resume(id: number): void {
    this.post({ op: "resume", id });
  }

  close(id: number): void {
    this.post({ op: "close", id });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    this.endAll();
  }

  private post(m: Exclude<ReaderRequest, { op: "ack" }>): void {
    if (m.op !== "open" && !this.sinks.has(m.id)) return; // reading has ended: nothing to tell
    this.ensure().postMessage(m);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./pty-reader-worker.js", import.meta.url));
    w.unref(); // never what keeps the daemon alive
    w.on("message", (b: ReaderBatch) => {
      try {
        for (const { id, bytes } of b.data) this.sinks.get(id)?.data(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        for (const id of b.closed) {
          const sink = this.sinks.get(id);
          this.sinks.delete(id);
          sink?.closed();
        }
      } finally {
        if (this.worker === w) w.postMessage({ op: "ack" } satisfies ReaderRequest);
      }
    });
    w.on("error", (err) => this.log.error("PTY reader thread failed", { event: "pty_reader_failed", error: err.message }));
    w.on("exit", () => {
      if (this.worker !== w) return;
      this.worker = null;
      this.endAll();
    });
    this.worker = w;
    return w;
  }

  /** The thread is gone, and with it the fds it read (a worker's handles close with it): reading has ended for all. */
  private endAll(): void {
    const sinks = [...this.sinks.values()];
    this.sinks.clear();
    for (const s of sinks) s.closed();
  }
}
