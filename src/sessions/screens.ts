// The daemon's side of the screen worker: started with the first PTY session, one message per
// output event. A worker that dies is replaced; the screens it held start again blank (the next
// snapshot of a live session says so by showing only what came after).
//
// The worker runs at low priority and may fall behind a program printing at full speed. Each
// session then gets at most IN_FLIGHT_BYTES unparsed in the worker; the rest waits here, and of
// what waits only the last KEEP_BYTES are kept: the emulator is reset and fed that tail, which
// redraws the screen as replaying a finished session's last output does. Memory stays bounded
// and emulation never slows the recording.
//
// A live session's screen is lazy: nothing is emulated until someone asks for its screen (attach,
// sessions.snapshot). Until then only the last DORMANT_KEEP_BYTES of its output are kept here;
// the first snapshot opens its emulator, feeds it that tail (from a reset terminal when older
// output was dropped, as under overload), and from then on it is emulated live. Fifty agents
// nobody watches cost no emulation at all.
import { Worker } from "node:worker_threads";
import type { Logger } from "../platform/log.js";
import type { ScreenReply, ScreenRequest, ScreenSnapshot } from "./screen-protocol.js";

const IN_FLIGHT_BYTES = 1024 * 1024;
const KEEP_BYTES = 4 * 1024 * 1024;
const DORMANT_KEEP_BYTES = 512 * 1024;

type Held = { op: "feed"; bytes: Buffer; seq: number } | { op: "resize"; cols: number; rows: number; seq: number };

interface Flow {
  inFlight: number;
  held: Held[];
  heldBytes: number;
  /** Output was dropped: the next feed starts from a reset terminal. */
  reset: boolean;
  /** Not emulated yet: opened in the worker by the first snapshot (lazy screens). */
  dormant: { cols: number; rows: number; scrollback: number; seq: number } | null;
}

export class Screens {
  private worker: Worker | null = null;
  private nextRef = 1;
  private readonly waiting = new Map<number, { resolve(s: ScreenSnapshot): void; reject(e: Error): void }>();
  private closed = false;
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly log: Logger) {}

  /** `lazy`: emulated only from its first snapshot on (live sessions); else at once (replays). */
  open(id: string, cols: number, rows: number, scrollback: number, seq: number, lazy = false): void {
    this.flows.set(id, { inFlight: 0, held: [], heldBytes: 0, reset: false, dormant: lazy ? { cols, rows, scrollback, seq } : null });
    if (!lazy) this.post({ op: "open", id, cols, rows, scrollback, seq });
  }

  /** `bytes` may be handed to the worker (transferred): do not use it after. */
  feed(id: string, bytes: Buffer, seq: number): void {
    const f = this.flows.get(id);
    if (!f) return;
    if (!f.dormant && f.held.length === 0 && f.inFlight < IN_FLIGHT_BYTES) return this.sendFeed(id, f, bytes, seq);
    f.held.push({ op: "feed", bytes, seq });
    f.heldBytes += bytes.length;
    const keep = f.dormant ? DORMANT_KEEP_BYTES : KEEP_BYTES;
    while (f.heldBytes > keep) {
      const i = f.held.findIndex((h) => h.op === "feed");
      const dropped = f.held.splice(i, 1)[0] as { bytes: Buffer };
      f.heldBytes -= dropped.bytes.length;
      f.reset = true;
    }
  }

  resize(id: string, cols: number, rows: number, seq: number): void {
    const f = this.flows.get(id);
    if (f && (f.dormant || f.held.length > 0)) f.held.push({ op: "resize", cols, rows, seq });
    else this.post({ op: "resize", id, cols, rows, seq });
  }

  close(id: string): void {
    this.flows.delete(id);
    if (this.worker) this.post({ op: "close", id });
  }

  /** After everything fed so far (held output included) is parsed. */
  snapshot(id: string, scrollback: number): Promise<ScreenSnapshot> {
    const f = this.flows.get(id);
    if (f?.dormant) {
      this.post({ op: "open", id, ...f.dormant });
      f.dormant = null;
    }
    if (f) this.release(id, f, Infinity);
    const ref = this.nextRef++;
    return new Promise((resolve, reject) => {
      this.waiting.set(ref, { resolve, reject });
      this.post({ op: "snapshot", id, ref, scrollback });
    });
  }

  private sendFeed(id: string, f: Flow, bytes: Buffer, seq: number): void {
    f.inFlight += bytes.length;
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength; // not a slice of a pool
    this.post({ op: "feed", id, bytes, seq, ...(f.reset ? { reset: true } : {}) }, owned ? [bytes.buffer as ArrayBuffer] : []);
    f.reset = false;
  }

  /** Sends held work, in order, while the worker has room (or all of it: before a snapshot). */
  private release(id: string, f: Flow, room: number): void {
    while (f.held.length > 0 && f.inFlight < room) {
      const h = f.held[0]!;
      if (h.op === "resize") {
        f.held.shift();
        this.post({ op: "resize", id, cols: h.cols, rows: h.rows, seq: h.seq });
        continue;
      }
      // Consecutive output goes as one message.
      let n = 0;
      while (n < f.held.length && f.held[n]!.op === "feed") n++;
      const feeds = f.held.splice(0, n) as Array<{ bytes: Buffer; seq: number }>;
      const bytes = feeds.length === 1 ? feeds[0]!.bytes : Buffer.concat(feeds.map((x) => x.bytes));
      f.heldBytes -= bytes.length;
      this.sendFeed(id, f, bytes, feeds.at(-1)!.seq);
    }
  }

  async dispose(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.failWaiting(new Error("the daemon is stopping"));
    if (w) await w.terminate();
  }

  private post(m: ScreenRequest, transfer: ArrayBuffer[] = []): void {
    if (this.closed) return;
    this.ensure().postMessage(m, transfer);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./screen-worker.js", import.meta.url));
    w.unref(); // never what keeps the daemon alive
    w.on("message", (r: ScreenReply) => {
      if ("ack" in r) {
        const f = this.flows.get(r.ack);
        if (f) {
          f.inFlight -= r.bytes;
          this.release(r.ack, f, IN_FLIGHT_BYTES);
        }
        return;
      }
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
      for (const f of this.flows.values()) f.inFlight = 0; // nothing will be acknowledged
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
