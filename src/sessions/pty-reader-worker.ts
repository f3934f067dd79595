// Worker thread: reads every PTY session's terminal, so a program printing at full speed is
// drained while the main thread masks and records what came before. Read on the main thread, the
// terminal's buffer (64 KiB in the kernel) filled whenever the daemon was busy and the program
// waited, and capture ran at the speed of the two taking turns.
//
// Bytes read are gathered here and sent as one batch per turn of this thread's loop, one batch in
// flight: under load batches grow (fewer messages, one per main-thread turn for all sessions), at
// rest an echo goes out at once. A terminal holding more than HOLD_BYTES unsent is not read until
// the daemon catches up; the program then blocks, as it would on a slow reader.
//
// libuv ends a stream early on a PTY: on POLLHUP after a short read it reports EOF, although a
// PTY hands out its buffer in pieces and more may be waiting (kilobytes, when a program prints
// and exits at once). So at that EOF the rest is read synchronously until the kernel says EIO.
import { readSync } from "node:fs";
import { ReadStream } from "node:tty";
import { parentPort } from "node:worker_threads";
import type { ReaderBatch, ReaderRequest } from "./pty-reader-protocol.js";

const HOLD_BYTES = 1024 * 1024;

interface Reader {
  stream: ReadStream;
  fd: number;
  parts: Buffer[];
  bytes: number;
  /** Paused by the daemon (its ledger is behind). */
  held: boolean;
  /** The fd is closed: reported once its last bytes have gone. */
  closed: boolean;
}

const port = parentPort!;
const readers = new Map<number, Reader>();
let inFlight = false;
let scheduled = false;

port.on("message", (m: ReaderRequest) => {
  if (m.op === "ack") {
    inFlight = false;
    for (const r of readers.values()) flow(r);
    return schedule();
  }
  if (m.op === "open") return open(m.id, m.fd);
  const r = readers.get(m.id);
  if (!r) return;
  if (m.op === "close") r.stream.destroy();
  else {
    r.held = m.op === "pause";
    flow(r);
  }
});

function open(id: number, fd: number): void {
  const stream = new ReadStream(fd);
  const r: Reader = { stream, fd, parts: [], bytes: 0, held: false, closed: false };
  readers.set(id, r);
  stream.on("data", (d: Buffer) => take(r, d));
  stream.on("error", () => stream.destroy()); // EIO: no process has the terminal, every byte is read
  stream.on("end", () => drainAfterHangup(r)); // before the stream closes the fd
  stream.on("close", () => {
    r.closed = true;
    schedule();
  });
}

function take(r: Reader, d: Buffer): void {
  r.parts.push(d);
  r.bytes += d.length;
  flow(r);
  schedule();
}

/** Reads while neither the daemon nor the unsent bytes say stop. */
function flow(r: Reader): void {
  if (r.closed || r.stream.destroyed) return;
  const stop = r.held || r.bytes >= HOLD_BYTES;
  if (stop !== r.stream.isPaused()) void (stop ? r.stream.pause() : r.stream.resume());
}

/** What libuv left unread at its early EOF; a few reads at most (the PTY's buffer). */
function drainAfterHangup(r: Reader): void {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(r.fd, buf, 0, buf.length, null);
    } catch {
      return; // EIO: all read; EAGAIN: a process still has the terminal and wrote nothing more
    }
    if (n <= 0) return;
    r.parts.push(Buffer.from(buf.subarray(0, n)));
    r.bytes += n;
  }
}

function schedule(): void {
  if (inFlight || scheduled) return;
  scheduled = true;
  setImmediate(send); // after this turn's reads: everything read in it goes in one batch
}

function send(): void {
  scheduled = false;
  const batch: ReaderBatch = { data: [], closed: [] };
  const transfer: ArrayBuffer[] = [];
  for (const [id, r] of readers) {
    if (r.bytes > 0) {
      const bytes = own(r.parts, r.bytes);
      batch.data.push({ id, bytes });
      transfer.push(bytes.buffer as ArrayBuffer);
      r.parts = [];
      r.bytes = 0;
      flow(r);
    }
    if (r.closed) {
      batch.closed.push(id);
      readers.delete(id);
    }
  }
  if (batch.data.length === 0 && batch.closed.length === 0) return;
  inFlight = true;
  port.postMessage(batch, transfer);
}

/** The parts as one buffer that owns its memory whole (so it can be transferred, not copied). */
function own(parts: Buffer[], size: number): Buffer {
  const first = parts[0]!;
  if (parts.length === 1 && first.byteOffset === 0 && first.byteLength === first.buffer.byteLength) return first;
  const out = Buffer.allocUnsafeSlow(size);
  let off = 0;
  for (const p of parts) off += p.copy(out, off);
  return out;
}
