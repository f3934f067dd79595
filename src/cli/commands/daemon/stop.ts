import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../options.js";

export class DaemonStopCommand extends WardenCommand {
  static override paths = [["daemon", "stop"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Stop the daemon and wait until it is gone",
    details:
      "Calls `shutdown`; if the daemon does not answer, sends SIGTERM to the pid in its lock (after checking the pid is still that daemon). Waits until the socket and lock are removed. Not running: says so and exits 0. With live PTY or task sessions it refuses (exit 1, `sessions_running`) and lists them, unless --kill-sessions: then PTYs get SIGHUP, SIGTERM at half of sessions.killGraceMs and SIGKILL at killGraceMs; tasks SIGTERM, then SIGKILL.",
    examples: [
      ["Stop", "warden daemon stop"],
      ["Stop, ending live sessions", "warden daemon stop --kill-sessions"],
    ],
  });

  timeout = Option.String("--timeout", "15s", { description: "How long to wait (15s, 1m, …) for the daemon to exit" });
  force = Option.Boolean("--force", false, { description: "SIGKILL a daemon still running after the timeout, then remove its socket and lock" });
  killSessions = Option.Boolean("--kill-sessions", false, { description: "Stop even with live sessions, ending them (SIGHUP, SIGTERM, SIGKILL)" });

  async run(): Promise<number> {
    const timeoutMs = parseDuration(this.timeout, "--timeout");
    const { describeDaemon, stopDaemon } = await import("../../../control/lifecycle.js");
    const report = await describeDaemon();
    if (report.state === "stopped" || report.state === "stale") {
      const note = report.state === "stale" ? " (a stale lock is left from a crash: warden daemon doctor --fix)" : "";
      this.print(`warden daemon is not running${note}`, { stopped: false, state: report.state });
      return 0;
    }
    if (report.state === "conflict") {
      this.print("the lock in this run root belongs to another host; nothing to stop here (see warden daemon doctor)", { stopped: false, state: report.state });
      return 1;
    }
    const { pid, how } = await stopDaemon(process.env, timeoutMs, { force: this.force, killSessions: this.killSessions });
    this.print(`warden daemon stopped (pid ${pid}${how === "rpc" ? "" : `, by ${how.toUpperCase()}`})`, { stopped: true, pid, how });
    return 0;
  }
}
