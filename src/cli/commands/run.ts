import { Command, Option } from "clipanion";
import { LaunchCommandBase } from "../launch-base.js";

export class RunCommand extends LaunchCommandBase {
  static override paths = [["run"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Run a command as a task session under the daemon",
    details: `
      Starts the command after \`--\` without a terminal (a task): stdout and stderr are recorded apart, as the session's output events, with its exit. The command is looked up on the daemon's PATH and runs in --cwd (default: the current directory), which must lie inside a project root (sessions.projects).

      Without --wait, prints the session's id (with --json, the session) and returns at once; the task runs on. Its output: \`warden tasks output <id>\`.

      With --wait, warden follows the task to its end: its stdout is written to stdout and its stderr to stderr as they arrive, and warden exits with the task's exit status (128+n when a signal ended it, 1 when it failed to run or warden could not see it end). stdin, when it is a pipe or a file, is copied to the task's stdin; otherwise the task's stdin is closed. SIGINT, SIGTERM and SIGHUP are passed on to the task (warden keeps waiting for its exit). With --json, the output is not printed (read it with \`warden tasks output <id> --json\`): one JSON document, {session, exit, status}, once the task has ended.

      --scope and --allow are the task's credential scope, as for \`warden launch\`: what the task may read from the daemon without a person's approval (nothing without them).
    `,
    examples: [
      ["In the background", "warden run -- make test"],
      ["In the foreground, with its exit status", "warden run --wait -- sh -c 'npm ci && npm test'"],
      ["With a secret", "warden run --wait --secret PGPASSWORD=work/DB_PASS --reason migrate -- ./migrate.sh"],
      ["A task that reads its ci secrets itself", "warden run --wait --scope ci -- ./deploy.sh"],
    ],
  });

  wait = Option.Boolean("--wait", false, { description: "Stream its output and exit with its status" });
  command = Option.Rest({ required: 1, name: "command" });

  async run(): Promise<number> {
    const { connectDaemon } = await import("../session-stream.js");
    const params = { ...this.commonParams(), argv: this.command, mode: "task" as const };
    const client = await connectDaemon();
    try {
      const s = await client.call("sessions.launch", params);
      if (!this.wait) {
        this.print(s.id, s);
        return 0;
      }
      const { waitForTask } = await import("../wait-task.js");
      const r = await waitForTask(client, s.id, {
        stdin: this.context.stdin as NodeJS.ReadStream,
        stdout: this.context.stdout,
        stderr: this.context.stderr,
        json: this.json,
      });
      if (this.json) this.print("", { session: s.id, exit: r.exit, status: r.status });
      return r.status;
    } finally {
      client.close();
    }
  }
}
