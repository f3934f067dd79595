// Runs a command as `warden exec`'s payload: inherited stdio, forwarded signals, and its exit
// status (or killing signal) passed through as ours.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { WardenError } from "../errors.js";

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const s of FORWARDED) process.on(s, forward);
    child.once("error", (err: NodeJS.ErrnoException) => {
      for (const s of FORWARDED) process.off(s, forward);
      reject(new WardenError(err.code === "ENOENT" ? "not_found" : "usage", `cannot run ${command}: ${err.message}`, { command }));
    });
    child.once("exit", (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      if (signal) {
        // Die of the same signal, so our caller sees what the command's caller would have seen.
        process.kill(process.pid, signal);
        setTimeout(() => resolve(128 + (constants.signals[signal] ?? 1)), 100).unref();
      } else resolve(code ?? 1);
    });
  });
}
