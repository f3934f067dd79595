import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";

export class DaemonRunCommand extends WardenCommand {
  static override paths = [["daemon", "run"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Run the daemon in the foreground",
    details:
      "Runs until SIGTERM, SIGINT or the `shutdown` method, then stops gracefully and exits 0 (1 after a fatal error). Log lines go to $WARDEN_HOME/run/<host>/daemon.log and, unless --quiet, to stderr. `npm start` runs this.",
    examples: [
      ["Foreground on the default home", "warden daemon run"],
      ["On a throwaway home", "WARDEN_HOME=$(mktemp -d) warden daemon run"],
    ],
  });

  quiet = Option.Boolean("--quiet", false, { description: "Do not echo log lines to stderr" });

  async run(): Promise<number> {
    // Loaded here, not at the top: commands that talk to a daemon must not pay for its code.
    const { startDaemon } = await import("../../../daemon/daemon.js");
    let daemon;
    try {
      daemon = await startDaemon({ echoLog: this.quiet ? null : this.context.stderr });
    } catch (err) {
      // `warden daemon start` waits on this IPC message to report why a start failed.
      tellParent({ type: "error", error: err instanceof WardenError ? err.toJSON() : { kind: "start_failed", message: String(err) } });
      throw err;
    }
    tellParent({ type: "ready", pid: daemon.info.pid, socket: daemon.info.socket });
    const code = await daemon.stopped;
    // Everything is disposed; should a stray handle linger, it must not keep a stopped daemon alive.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  }
}

/**
 * Reports to a `warden daemon start` that spawned us over IPC, then lets go of the channel. The
 * parent may already be gone (Ctrl-C): that must not become an error in the daemon.
 */
function tellParent(message: object): void {
  if (!process.connected) return;
  process.send!(message, undefined, {}, () => {
    if (process.connected) process.disconnect();
  });
}
