// A program in a pseudo-terminal. node-pty forks it and reports its exit (a thread waiting on the
// pid); everything else goes through our own descriptors for the PTY master, because node-pty's
// own handle is destroyed 200 ms after the child exits, and with it whatever output the daemon
// had not read yet (it had, when busy or holding output back while the ledger caught up). One is
// read by the PTY reader thread (pty-readers.ts) until the kernel says every byte is out (EIO
// once no process has the terminal open); the other, this thread's, takes input and resizes.
import { closeSync, write as fsWrite } from "node:fs";
import { spawn as ptySpawn, type IPty } from "node-pty";
import { native } from "../platform/native.js";
import type { PtyReaders } from "./pty-readers.js";
import { signalName, withUmask, type ExitStatus, type SessionChild, type SpawnSpec, type Stream } from "./child.js";

/**
 * After the child exits, output is read until EIO; a descendant that keeps the terminal open
 * (a background job that ignored SIGHUP) holds that back, so reading ends after this long
 * without output.
 */
const QUIET_AFTER_EXIT_MS = 2000;

interface NodePtyInternals {
  _socket: { destroy(): void };
  _fd: number;
}

export class PtyChild implements SessionChild {
  private readonly pty: IPty;
  private readonly fd: number;
  private readonly reader: number;
  private readonly writes: Buffer[] = [];
  private writing = false;
  /** Reading has not ended: input and resizes still go to the terminal. */
  private fdOpen = true;
  private fdClosed = false;
  private paused = false;
  private status: ExitStatus | null = null;
  private settled = false;
  private lastData = 0;
  private quietTimer: NodeJS.Timeout | undefined;
  private outputCb: ((stream: Stream, chunk: Buffer) => void) | null = null;
  private exitCb: ((s: ExitStatus) => void) | null = null;

  constructor(
    spec: SpawnSpec,
    private readonly readers: PtyReaders,
  ) {
    this.pty = withUmask(spec.umask, () =>
      ptySpawn(spec.file, spec.argv.slice(1), {
        name: spec.env.TERM ?? "xterm-256color",
        cols: spec.cols,
        rows: spec.rows,
        cwd: spec.cwd,
        env: spec.env,
        encoding: null,
      }),
    );
    const internals = this.pty as unknown as NodePtyInternals;
    this.fd = native().dupCloexec(internals._fd);
    const readFd = native().dupCloexec(internals._fd);
    // Same tick as the spawn: node-pty's handle has not read a byte yet (its reads start on the
    // next turn), so nothing is lost or split between two readers. This also closes its fd.
    internals._socket.destroy();
    this.reader = readers.open(readFd, {
      data: (d) => {
        this.lastData = performance.now();
        this.outputCb?.("pty", d);
      },
      closed: () => {
        this.fdOpen = false;
        this.releaseFd();
        this.settle();
      },
    });
    this.pty.onExit(({ exitCode, signal }) => {
      this.status = signal ? { code: null, signal: signalName(signal) } : { code: exitCode, signal: null };
      if (this.fdOpen) this.armQuietTimer();
      else this.settle();
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  get pgid(): number {
    return this.pty.pid;
  }

  onOutput(cb: (stream: Stream, chunk: Buffer) => void): void {
    this.outputCb = cb;
  }

  onExit(cb: (s: ExitStatus) => void): void {
    this.exitCb = cb;
    if (this.settled) cb(this.status!);
  }

  /** Queued in order; a terminal whose input buffer is full (EAGAIN) is retried shortly. */
  write(data: Buffer): void {
    if (!this.fdOpen || this.status) return;
    this.writes.push(data);
    this.drainWrites();
  }

  endInput(): void {}

  resize(cols: number, rows: number): void {
    if (this.fdOpen) native().setWinsize(this.fd, cols, rows);
  }

  hidesInput(): boolean {
    if (!this.fdOpen) return false;
    try {
      return native().ttyHidesInput(this.fd);
    } catch {
      return false;
    }
  }

  pause(): void {
    this.paused = true;
    this.readers.pause(this.reader);
  }

  resume(): void {
    this.paused = false;
    this.readers.resume(this.reader);
    if (this.status) this.armQuietTimer();
  }

  private drainWrites(): void {
    if (this.writing || this.writes.length === 0 || !this.fdOpen) return;
    this.writing = true;
    const chunk = this.writes[0]!;
    fsWrite(this.fd, chunk, 0, chunk.length, null, (err, written) => {
      this.writing = false;
      if (!this.fdOpen) return this.releaseFd();
      if (err) {
        if (err.code === "EAGAIN") return void setTimeout(() => this.drainWrites(), 5);
        this.writes.length = 0; // EIO/EBADF: the terminal is gone; nobody will read it
        return;
      }
      if (written < chunk.length) this.writes[0] = chunk.subarray(written);
      else this.writes.shift();
      this.drainWrites();
    });
  }

  /** After exit: ends reading once output has been quiet for a while (never while we hold it back). */
  private armQuietTimer(): void {
    clearTimeout(this.quietTimer);
    if (this.settled) return;
    this.quietTimer = setTimeout(() => {
      if (this.paused) return;
      const idle = performance.now() - this.lastData;
      if (idle < QUIET_AFTER_EXIT_MS) return this.armQuietTimer();
      this.closeReader();
    }, QUIET_AFTER_EXIT_MS);
    this.quietTimer.unref();
  }

  /** Our fd, once reading has ended; never under a write in flight (its number could be reused meanwhile). */
  private releaseFd(): void {
    if (this.fdClosed || this.writing) return;
    this.fdClosed = true;
    closeSync(this.fd);
  }

  private closeReader(): void {
    this.readers.close(this.reader);
  }

  private settle(): void {
    // Both: the process has been waited for, and its output is all read.
    if (this.settled || !this.status || this.fdOpen) return;
    this.settled = true;
    clearTimeout(this.quietTimer);
    this.exitCb?.(this.status);
  }
}
