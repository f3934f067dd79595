// A program without a terminal: stdin, stdout and stderr are pipes, stdout and stderr kept apart.
// It leads its own process group (detached), so a kill reaches what it started too.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { type ExitStatus, type SessionChild, type SpawnSpec, type Stream, withUmask } from "./child.js";

/** After the process exits, how long output pipes held open by its descendants are still read. */
const DRAIN_AFTER_EXIT_MS = 2000;

export class TaskChild implements SessionChild {
  private readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  private exitCb: ((s: ExitStatus) => void) | null = null;
  private settled: ExitStatus | null = null;

  constructor(spec: SpawnSpec) {
    this.child = withUmask(spec.umask, () =>
      spawn(spec.file, spec.argv.slice(1), { argv0: spec.argv[0], cwd: spec.cwd, env: spec.env, detached: true, stdio: "pipe" }),
    );
    this.child.once("error", (err) => this.settle({ code: null, signal: null, error: err.message }));
    if (this.child.pid === undefined) throw new Error(`spawn ${spec.file} failed`);
    this.pid = this.child.pid;
    this.child.stdin.on("error", () => {}); // EPIPE when it has stopped reading: not ours to crash on
    let status: ExitStatus | null = null;
    // 'close' comes once the process has exited and both pipes are at EOF: nothing left unread.
    // A descendant that keeps a pipe open would hold that back forever, so it gets a bounded wait.
    this.child.once("exit", (code, signal) => {
      status = { code, signal };
      setTimeout(() => this.settle(status!), DRAIN_AFTER_EXIT_MS).unref();
    });
    this.child.once("close", (code, signal) => this.settle(status ?? { code, signal }));
  }

  get pgid(): number {
    return this.pid;
  }

  private settle(s: ExitStatus): void {
    if (this.settled) return;
    this.settled = s;
    this.child.stdout.destroy();
    this.child.stderr.destroy();
    this.exitCb?.(s);
  }

  onOutput(cb: (stream: Stream, chunk: Buffer) => void): void {
    this.child.stdout.on("data", (d: Buffer) => cb("stdout", d));
    this.child.stderr.on("data", (d: Buffer) => cb("stderr", d));
  }

  onExit(cb: (s: ExitStatus) => void): void {
    this.exitCb = cb;
    if (this.settled) cb(this.settled);
  }

  write(data: Buffer): void {
    if (this.child.stdin.writable) this.child.stdin.write(data);
  }

  endInput(): void {
    this.child.stdin.end();
  }

  resize(): void {}

  hidesInput(): boolean {
    return false; // no terminal: nothing says a password is being typed
  }

  pause(): void {
    this.child.stdout.pause();
    this.child.stderr.pause();
  }

  resume(): void {
    this.child.stdout.resume();
    this.child.stderr.resume();
  }
}
