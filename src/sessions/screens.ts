// The daemon's side of the screen worker: started with the first PTY session, one message per
// output event. A worker that dies is replaced; the screens it held start again blank (the next
// snapshot of a live session says so by showing only what came after).
import { Worker } from "node:worker_threads";
import type { Logger } from "../daemon/log.js";
import type { ScreenReply, ScreenRequest, ScreenSnapshot } from "./screen-protocol.js";

export class Screens {
  private worker: Worker | null = null;
  private nextRef = 1;
  private readonly waiting = new Map<number, { resolve(s: ScreenSnapshot): void; reject(e: Error): void }>();
  private closed = false;

  constructor(private readonly log: Logger) {}

  open(id: string, cols: number, rows: number, scrollback: number, seq: number): void {
    this.post({ op: "open", id, cols, rows, scrollback, seq });
  }

  feed(id: string, bytes: Buffer, seq: number): void {
    this.post({ op: "feed", id, bytes, seq });
  }

  resize(id: string, cols: number, rows: number, seq: number): void {
    this.post({ op: "resize", id, cols, rows, seq });
  }

  close(id: string): void {
    if (this.worker) this.post({ op: "close", id });
  }

  snapshot(id: string, scrollback: number): Promise<ScreenSnapshot> {
    const ref = this.nextRef++;
    return new Promise((resolve, reject) => {
      this.waiting.set(ref, { resolve, reject });
      this.post({ op: "snapshot", id, ref, scrollback });
    });
  }

  async dispose(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.failWaiting(new Error("the daemon is stopping"));
    if (w) await w.terminate();
  }

  private post(m: ScreenRequest): void {
    if (this.closed) return;
    this.ensure().postMessage(m);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./screen-worker.js", import.meta.url));
    w.unref(); // never what keeps the daemon alive
    w.on("message", (r: ScreenReply) => {
      const p = this.waiting.get(r.ref);
      this.waiting.delete(r.ref);
      if (!p) return;
      if ("error" in r) p.reject(new Error(r.error));
      else p.resolve(r);
    });
    w.on("error", (err) => this.log.error("screen worker failed", { event: "screen_worker_failed", error: err.message }));
    w.on("exit", () => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failWaiting(new Error("the screen worker stopped"));
    });
    this.worker = w;
    return w;
  }

  private failWaiting(err: Error): void {
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }
}
