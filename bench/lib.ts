// Shared by the benchmarks: child processes that report ready over IPC, RSS from /proc, medians.
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../src/platform/package-info.js";

export const root = packageRoot();
export const wardenBin = join(root, "bin", "warden.js");
export const benchDir = join(root, "dist", "bench");

export interface Row {
  metric: string;
  warden: number;
  floor: number | null;
  floorName: string;
  /** warden / floor, or null when there is no floor. */
  ratio: number | null;
  target: string;
  ok: boolean;
}

export function waitReady(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start`)), 15_000);
    child.once("message", () => (clearTimeout(timer), resolve()));
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`${what} exited with ${code}`))));
  });
}

export interface BenchDaemon {
  child: ChildProcess;
  socket: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A daemon on a fresh temp home (with `config` written first, when given). WD_NODE_ARGS adds Node
 * flags to the daemon only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: NODE_OPTIONS refuses those).
 */
export async function startDaemon(config?: object): Promise<BenchDaemon> {
  const home = join(mkdtempSync(join(tmpdir(), "wd-bench-")), "h");
  if (config) {
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(join(home, "config.json"), JSON.stringify(config));
  }
  // Transcript roots inside the temp dir too: a bench never imports the machine's real transcripts.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARDEN_HOME: home,
    WARDEN_HOST: "bench",
    CLAUDE_CONFIG_DIR: join(home, "..", "claude"),
    CODEX_HOME: join(home, "..", "codex"),
  };
  delete env.WARDEN_SOCKET;
  const child = spawn(process.execPath, [...(process.env.WD_NODE_ARGS?.split(" ") ?? []), wardenBin, "daemon", "run", "--quiet"], {
    env,
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  await waitReady(child, "warden daemon");
  return { child, socket: join(home, "run", "bench", "warden.sock"), home, env };
}

export async function stopDaemon(d: BenchDaemon): Promise<void> {
  d.child.kill("SIGTERM");
  await new Promise((r) => d.child.once("exit", r));
  rmSync(join(d.home, ".."), { recursive: true, force: true });
}

/** Runs `warden …` to completion; throws with its stderr when it fails. */
export function warden(env: NodeJS.ProcessEnv, args: string[], input?: string): string {
  const r = spawnSync(process.execPath, [wardenBin, ...args], { env, input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`warden ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

export async function startEcho(socket: string): Promise<ChildProcess> {
  const child = fork(join(benchDir, "echo-server.js"), [socket], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  await waitReady(child, "echo server");
  return child;
}

/** Starts a latency client that pings until stopped; `stop()` resolves with its figures. */
export function pingUntilStopped(socket: string): { stop(): Promise<{ p50us: number; p99us: number; maxUs: number; samples: number }> } {
  const child = spawn(process.execPath, [join(benchDir, "load-client.js"), "latency", socket, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const exited = new Promise((r) => child.once("exit", r));
  return {
    async stop() {
      child.kill("SIGTERM");
      await exited;
      return JSON.parse(out);
    },
  };
}

/** Runs load-client.js in its own process and returns its JSON result. */
export function load<T>(...args: Array<string | number>): T {
  const r = spawnSync(process.execPath, [join(benchDir, "load-client.js"), ...args.map(String)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`load-client ${args.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return line ? Math.round((Number(line[1]) / 1024) * 10) / 10 : NaN;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time of one whole process run (Node, unless `command` says otherwise), in milliseconds. */
export function timeProcess(args: string[], env: NodeJS.ProcessEnv, command = process.execPath): number {
  const t0 = performance.now();
  const r = spawnSync(command, args, { env, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}`);
  return performance.now() - t0;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `pairedRatio`: the median of per-round ratios, when pairs were measured side by side. */
export function row(metric: string, warden: number, floor: number | null, floorName: string, target: string, ok: boolean, pairedRatio?: number): Row {
  const ratio = pairedRatio ?? (floor ? warden / floor : null);
  return { metric, warden, floor, floorName, ratio: ratio === null ? null : Math.round(ratio * 100) / 100, target, ok };
}

/** Median of warden/floor over rounds measured back to back: drift between rounds cancels out. */
export function pairedRatio(warden: number[], floor: number[]): number {
  return median(warden.map((w, i) => w / floor[i]!));
}
