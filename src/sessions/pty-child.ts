// A program in a pseudo-terminal (node-pty). Output is read as bytes (encoding null), so nothing
// is decoded, split or replaced on the way in.
import { spawn as ptySpawn, type IPty } from "node-pty";
import { native } from "../daemon/native.js";
import { signalName, withUmask, type ExitStatus, type SessionChild, type SpawnSpec, type Stream } from "./child.js";

export class PtyChild implements SessionChild {
  private readonly pty: IPty;
  private exitCb: ((s: ExitStatus) => void) | null = null;
  private exited: ExitStatus | null = null;

  constructor(spec: SpawnSpec) {
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
    // node-pty reports exit only after the master has hit EIO (all output read), or 200 ms after
    // the child ended, whichever is first; output is never paused for long (see pause()).
    this.pty.onExit(({ exitCode, signal }) => {
      this.exited = signal ? { code: null, signal: signalName(signal) } : { code: exitCode, signal: null };
      this.exitCb?.(this.exited);
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  get pgid(): number {
    return this.pty.pid;
  }

  onOutput(cb: (stream: Stream, chunk: Buffer) => void): void {
    this.pty.onData((d) => cb("pty", d as unknown as Buffer));
  }

  onExit(cb: (s: ExitStatus) => void): void {
    this.exitCb = cb;
    if (this.exited) cb(this.exited);
  }

  write(data: Buffer): void {
    // node-pty's typings say string; with encoding null it writes Buffers as they are.
    this.pty.write(data as unknown as string);
  }

  endInput(): void {}

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
  }

  echoes(): boolean | null {
    const fd = (this.pty as unknown as { _fd?: number })._fd;
    if (typeof fd !== "number") return null;
    try {
      return native().ttyEcho(fd);
    } catch {
      return null; // closed already
    }
  }

  pause(): void {
    this.pty.pause();
  }

  resume(): void {
    this.pty.resume();
  }
}
