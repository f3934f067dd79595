// Runs a command as `warden exec`'s payload: inherited stdio, signals passed on, and its exit
// status (or the signal that killed it) passed through as ours.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { WardenError } from "../platform/errors.js";
import { userUmask } from "../platform/umask.js";

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];
/** On a terminal these reach the whole foreground process group, the command included. */
const FROM_TERMINAL = new Set<NodeJS.Signals>(["SIGINT", "SIGQUIT"]);
/** A command killed by one of these makes us die of it too; others (core-dumping ones, SIGPIPE
 * which Node ignores) end us with 128+n, so no core of a process holding secrets is written. */
const RERAISE = new Set<NodeJS.Signals>(["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGALRM"]);

export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const interactive = Boolean(process.stdin.isTTY);
    const ours = process.umask(userUmask); // the command gets the user's umask, not warden's 077
    const child = spawn(command, args, { stdio: "inherit", env });
    process.umask(ours);
    const onSignal = (signal: NodeJS.Signals) => {
      if (!(interactive && FROM_TERMINAL.has(signal))) child.kill(signal);
    };
    for (const s of FORWARDED) process.on(s, onSignal);
    const done = () => {
      for (const s of FORWARDED) process.off(s, onSignal);
    };
    child.once("error", (err: NodeJS.ErrnoException) => {
      done();
      reject(new WardenError(err.code === "ENOENT" ? "not_found" : "usage", `cannot run ${command}: ${err.code ?? "error"}`, { command }));
    });
    child.once("exit", (code, signal) => {
      done();
      if (!signal) return resolve(code ?? 1);
      const status = 128 + (constants.signals[signal] ?? 1);
      if (RERAISE.has(signal)) {
        process.kill(process.pid, signal); // dies of it, as the command's caller would expect
        setTimeout(() => resolve(status), 200); // only if the signal is ignored here after all
      } else resolve(status);
    });
  });
}
