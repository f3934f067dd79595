import { Command } from "clipanion";
import { WardenCommand } from "../../base.js";

/** LSB-style: 0 running, 1 stale lock (dead), 3 not running, 4 unresponsive or host conflict. */
const exitFor = { running: 0, stale: 1, stopped: 3, unresponsive: 4, conflict: 4 } as const;

export class DaemonStatusCommand extends WardenCommand {
  static override paths = [["daemon", "status"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Say whether the daemon is running, stopped, stale or in a host conflict",
    details: "Exit status: 0 running, 1 stale lock left by a crash, 3 stopped, 4 unresponsive or host conflict. Works with no daemon running.",
    examples: [
      ["Status", "warden daemon status"],
      ["For scripts", "warden daemon status --json"],
    ],
  });

  async run(): Promise<number> {
    const { describeDaemon } = await import("../../../control/lifecycle.js");
    const { formatSecs } = await import("../../format.js");
    const r = await describeDaemon();
    const s = r.status;
    const owner = r.lock.state === "absent" ? null : r.lock.owner;
    const data = {
      state: r.state,
      pid: owner?.pid ?? null,
      host: r.paths.host,
      lockHost: owner?.host ?? null,
      version: s?.binary.version ?? owner?.version ?? null,
      startedAt: owner?.startedAt ?? null,
      uptimeSecs: s?.uptimeSecs ?? null,
      connections: s?.connections.live ?? null,
      socket: r.paths.socket,
      home: r.paths.home,
      runRoot: r.paths.runRoot,
      ...(r.lock.state === "stale" ? { staleReason: r.lock.reason } : {}),
    };
    const lines: Record<typeof r.state, string> = {
      running: `running: pid ${data.pid}, version ${data.version}, up ${formatSecs(data.uptimeSecs ?? 0)}, ${data.connections} connection(s)`,
      unresponsive: `unresponsive: pid ${data.pid} holds the lock but does not answer on ${data.socket}`,
      stopped: "stopped",
      stale: `stopped, with a stale lock from pid ${data.pid} (${r.lock.state === "stale" ? r.lock.reason : ""}); warden daemon doctor --fix cleans it up`,
      conflict: `host conflict: the lock was written by host "${data.lockHost}", this is "${data.host}"; $WARDEN_HOME/run/ must not be synced`,
    };
    this.print(`warden daemon ${lines[r.state]}\n  socket   ${data.socket}\n  run root ${data.runRoot}`, data);
    return exitFor[r.state];
  }
}
