import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../options.js";

export class DaemonRestartCommand extends WardenCommand {
  static override paths = [["daemon", "restart"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Stop the daemon if it runs, then start it again",
    examples: [["Restart", "warden daemon restart"]],
  });

  timeout = Option.String("--timeout", "15s", { description: "How long to wait (15s, 1m, …) for each of stop and start" });

  async run(): Promise<number> {
    const timeoutMs = parseDuration(this.timeout, "--timeout");
    const { describeDaemon, spawnDaemon, stopDaemon } = await import("../../../daemon/control.js");
    const before = await describeDaemon();
    const stopped = before.state === "running" || before.state === "unresponsive" ? await stopDaemon(process.env, timeoutMs) : null;
    const { pid, socket } = await spawnDaemon(process.env, timeoutMs);
    const was = stopped ? `pid ${stopped.pid} stopped, ` : "";
    this.print(`warden daemon restarted: ${was}pid ${pid} on ${socket}`, { previousPid: stopped?.pid ?? null, pid, socket });
    return 0;
  }
}
