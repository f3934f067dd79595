import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../options.js";

export class DaemonRestartCommand extends WardenCommand {
  static override paths = [["daemon", "restart"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Stop the daemon if it runs, then start it again",
    details:
      "Checks config.json first: a config the new daemon would refuse leaves the running one alone (exit 1, `config_invalid`). With live sessions it refuses like `daemon stop` unless --kill-sessions.",
    examples: [
      ["Restart", "warden daemon restart"],
      ["Restart, ending live sessions", "warden daemon restart --kill-sessions"],
    ],
  });

  timeout = Option.String("--timeout", "15s", { description: "How long to wait (15s, 1m, …) for each of stop and start" });
  killSessions = Option.Boolean("--kill-sessions", false, { description: "Restart even with live sessions, ending them (SIGHUP, SIGTERM, SIGKILL)" });

  async run(): Promise<number> {
    const timeoutMs = parseDuration(this.timeout, "--timeout");
    const { checkConfig, describeDaemon, spawnDaemon, stopDaemon } = await import("../../../control/lifecycle.js");
    checkConfig(); // before anything is stopped
    const before = await describeDaemon();
    const running = before.state === "running" || before.state === "unresponsive";
    const stopped = running ? await stopDaemon(process.env, timeoutMs, { killSessions: this.killSessions, reason: "warden daemon restart" }) : null;
    const { pid, socket } = await spawnDaemon(process.env, timeoutMs);
    const was = stopped ? `pid ${stopped.pid} stopped, ` : "";
    this.print(`warden daemon restarted: ${was}pid ${pid} on ${socket}`, { previousPid: stopped?.pid ?? null, pid, socket });
    return 0;
  }
}
