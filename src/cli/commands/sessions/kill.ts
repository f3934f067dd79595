import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../options.js";

export class SessionsKillCommand extends WardenCommand {
  static override paths = [["sessions", "kill"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Send a signal to a running session",
    details: `
      Signals every process in the session's process group (default: SIGHUP for a PTY session, as closing its terminal would; SIGTERM for a task). Accepted: SIGTERM, SIGKILL, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGSTOP, SIGCONT, SIGWINCH (the SIG prefix may be left out). The session's exit is recorded when its process ends; with --wait, warden waits for that (at most --timeout) and prints how it ended.

      A session that is not running is a conflict (exit status 1).
    `,
    examples: [
      ["Stop a session", "warden sessions kill 0193a7c2-…"],
      ["Force it, and wait for the end", "warden sessions kill 0193a7c2-… --signal KILL --wait"],
    ],
  });

  session = Option.String({ required: true });
  signal = Option.String("--signal,-s", { description: "The signal to send (default SIGHUP for PTY sessions, SIGTERM for tasks)" });
  wait = Option.Boolean("--wait", false, { description: "Wait until its exit is recorded" });
  timeout = Option.String("--timeout", "30s", { description: "With --wait: how long to wait" });

  async run(): Promise<number> {
    const { SIGNALS } = await import("../../../../protocol/methods/sessions.js");
    const given = this.signal?.toUpperCase();
    const name = given === undefined ? undefined : given.startsWith("SIG") ? given : `SIG${given}`;
    const signal = name === undefined ? undefined : SIGNALS.find((s) => s === name);
    if (name !== undefined && !signal)
      throw new WardenError("usage", `--signal ${JSON.stringify(this.signal)}: expected one of ${SIGNALS.join(", ")}`, { option: "--signal" });
    const timeoutMs = parseDuration(this.timeout, "--timeout");
    const { connectDaemon, describeExit, exitData, streamEvents } = await import("../../session-stream.js");
    const client = await connectDaemon();
    try {
      const before = this.wait ? (await client.call("sessions.get", { session: this.session })).lastSeq : 0;
      const r = await client.call("sessions.kill", { session: this.session, ...(signal ? { signal } : {}) });
      if (!this.wait) {
        this.print(`sent ${r.signal} to session ${r.session} (pid ${r.pid})`, r);
        return 0;
      }
      const stream = streamEvents(client, this.session, before, () => {});
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
      const end = await Promise.race([stream.ended, timedOut]).finally(() => clearTimeout(timer));
      if (end === "timeout" || end === "stopped") {
        stream.stop();
        throw new WardenError("timeout", `sent ${r.signal} to session ${r.session}, but it has not exited within ${this.timeout}`, {
          session: r.session,
          signal: r.signal,
        });
      }
      const exit = exitData(end.data);
      this.print(`sent ${r.signal} to session ${r.session} (pid ${r.pid}); it exited: ${describeExit(exit)}`, { ...r, exit });
      return 0;
    } finally {
      client.close();
    }
  }
}
