import { spawn } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../src/package-info.js";

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
