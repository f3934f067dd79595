// Starts a real daemon process (`warden daemon run`) on a temp home and waits for its IPC ready
// message, the same handshake `warden daemon start` uses.
import { spawn, type ChildProcess } from "node:child_process";
import { after, before } from "node:test";
import { wardenBin } from "./cli.js";
import { tempHome, type TempHome } from "./home.js";

export interface TestDaemon {
  pid: number;
  socket: string;
  child: ChildProcess;
  /** Everything the daemon wrote to stderr (its echoed log, with --quiet off). */
  stderr(): string;
  /** The structured log records it echoed that carry an `event` field (tests match on those, not on text). */
  events(event?: string): Array<Record<string, any>>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Daemons a failed test did not stop must not outlive the test process. */
const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export function startTestDaemon(home: TempHome, extraEnv: NodeJS.ProcessEnv = {}): Promise<TestDaemon> {
  const child = spawn(process.execPath, [wardenBin, "daemon", "run"], {
    env: { ...home.env, ...extraEnv },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  live.add(child);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  // A daemon that ended on its own once ready (not killed from here: a crash, an abort, a fatal
  // error) says why, or a test sees only its client's ECONNRESET. On close: its stderr is read whole.
  let ready = false;
  child.once("close", (code, signal) => {
    if (ready && !child.killed && code !== 0)
      process.stderr.write(`test daemon ${child.pid} exited on its own (${code ?? signal}); its stderr:\n${stderr.slice(-16_000)}\n`);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`daemon did not become ready; stderr: ${stderr}`));
    }, 15_000);
    child.on("message", (msg: { type: string; pid: number; socket: string; error?: { kind: string; message: string; [detail: string]: unknown } }) => {
      clearTimeout(timer);
      if (msg.type !== "ready") return reject(Object.assign(new Error(msg.error?.message), msg.error)); // kind and details (path, pid, issues ...)
      ready = true;
      resolve({
        pid: msg.pid,
        socket: msg.socket,
        child,
        stderr: () => stderr,
        events: (event) =>
          stderr
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as Record<string, any>)
            .filter((r) => r.event !== undefined && (event === undefined || r.event === event)),
        exited,
        kill: (signal = "SIGTERM") => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited (${code}) before ready; stderr: ${stderr}`));
    });
  });
}

/**
 * One daemon on a fresh home for a whole describe block: started in `before`, stopped and its
 * home removed in `after`. Read `.home` and `.daemon` inside tests.
 */
export function useDaemon(config?: object): { home: TempHome; daemon: TestDaemon } {
  const ctx = {} as { home: TempHome; daemon: TestDaemon };
  before(async () => {
    ctx.home = tempHome(config);
    ctx.daemon = await startTestDaemon(ctx.home);
  });
  after(async () => {
    await ctx.daemon?.kill();
    ctx.home?.cleanup();
  });
  return ctx;
}
