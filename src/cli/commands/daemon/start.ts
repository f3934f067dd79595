import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../options.js";
import { CLI_CALL } from "../../timeouts.js";

export class DaemonStartCommand extends WardenCommand {
  static override paths = [["daemon", "start"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Start the daemon in the background",
    details:
      "Spawns `warden daemon run` in its own session (it outlives this terminal), waits until it answers `health`, and prints its pid and socket. Already running: says so and exits 0. A stale lock left by a crash is replaced; a lock from another host is refused.",
    examples: [
      ["Start", "warden daemon start"],
      ["Start and print JSON", "warden daemon start --json"],
    ],
  });

  timeout = Option.String("--timeout", "10s", { description: "How long to wait (15s, 1m, …) for the daemon to answer" });

  async run(): Promise<number> {
    const timeoutMs = parseDuration(this.timeout, "--timeout");
    const { describeDaemon, spawnDaemon } = await import("../../../control/lifecycle.js");
    const { callOnce } = await import("../../../rpc/client.js");
    const before = await describeDaemon();
    if (before.state === "running" && before.status) {
      const d = before.status.daemon;
      this.print(`warden daemon already running: pid ${d.pid}, socket ${d.socket}`, { started: false, alreadyRunning: true, pid: d.pid, socket: d.socket });
      return 0;
    }
    if (before.state === "unresponsive" && before.lock.state === "running") {
      throw new WardenError("already_running", `pid ${before.lock.owner.pid} holds the lock but does not answer; see warden daemon doctor`, {
        pid: before.lock.owner.pid,
      });
    }
    const { pid, socket } = await spawnDaemon(process.env, timeoutMs);
    const health = await callOnce(socket, "health", {}, CLI_CALL);
    this.print(`warden daemon started: pid ${pid}, socket ${socket}`, { started: true, alreadyRunning: false, pid, socket, version: health.binary.version });
    return 0;
  }
}
