import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../src/platform/package-info.js";

export const wardenBin = join(packageRoot(), "bin", "warden.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = any>(): T;
}

/**
 * Runs the real `warden` executable as a separate process, with `input` (if any) on its stdin.
 * In a session of its own (detached): no controlling terminal, so a test can never end up
 * prompting on the terminal `npm test` was started from.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wardenBin, ...args], { env, detached: true, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`warden ${args.join(" ")} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** Whether util-linux `script` is installed (runOnTerminal needs it). */
export const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;

/**
 * Runs `warden` with a real terminal as stdin, stdout and stderr (util-linux `script` makes the
 * PTY) and returns everything it printed there once it has exited. `script` drains the terminal
 * before it exits, which node-pty does not promise for output written just before an exit.
 */
export function runOnTerminal(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, wardenBin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`warden ${args.join(" ")} on a terminal timed out; output: ${out}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
