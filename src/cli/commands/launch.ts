import { Command, Option } from "clipanion";
import { WardenError } from "../../platform/errors.js";
import { LaunchCommandBase } from "../launch-base.js";
import { parseCount } from "../options.js";

export class LaunchCommand extends LaunchCommandBase {
  static override paths = [["launch"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Start a harness in a PTY session under the daemon",
    details: `
      Runs a harness (\`shell\` is built in: your $SHELL; others come from sessions.harnesses in config.json) in a terminal the daemon owns, so it outlives this command and this terminal. Arguments after \`--\` are appended to the harness's own. Everything it prints, everything typed into it, every resize and its exit are recorded as the session's events.

      Prints the new session's id (with --json, the session). The terminal size defaults to this terminal's (80x24 when there is none). With --attach, attaches to it at once (see \`warden attach\`; Ctrl-\\ detaches).

      Secrets given with --secret are read from unlocked vaults (audited, like \`warden get\`), put in the session's environment, and masked in everything it records.

      --scope and --allow are the session's credential scope: a process of the session reading a secret (\`warden get\`, vault.get) is served the entries that have one of its scopes and those named by --allow, whatever scope it declares; anything else needs a person's approval. Without them its agent reads nothing without approval. A --secret entry that has scopes must share one with --scope. Change it later with \`warden sessions scope\`.
    `,
    examples: [
      ["A shell here, attached", "warden launch shell --attach"],
      ["An agent in a project", "warden launch claude --cwd ~/src/app --title 'app: fix flaky test'"],
      ["With a secret and arguments", "warden launch aider --secret OPENAI_API_KEY=work/OPENAI_KEY --reason aider -- --model gpt-4o"],
      ["An agent that may read dev secrets and one more entry", "warden launch claude --scope dev --allow work/GITHUB_TOKEN"],
    ],
  });

  cols = Option.String("--cols", { description: "Terminal width (default: this terminal's, or 80)" });
  rows = Option.String("--rows", { description: "Terminal height (default: this terminal's, or 24)" });
  attach = Option.Boolean("--attach", false, { description: "Attach to the session at once" });
  harness = Option.String({ required: true, name: "harness" });
  args = Option.Rest({ name: "args" });

  async run(): Promise<number> {
    const { connectDaemon, terminalSize } = await import("../session-stream.js");
    const { attachSession, attachNote, checkAttachInput } = await import("../attach.js");
    const io = { stdin: this.context.stdin as NodeJS.ReadStream, stdout: this.context.stdout as NodeJS.WriteStream, stderr: this.context.stderr };
    if (this.attach && this.json) throw new WardenError("usage", "--attach and --json do not go together: the terminal is the session's", { option: "--json" });
    if (this.attach) checkAttachInput(io, false);
    const here = terminalSize(this.context.stdout);
    const cols = this.cols !== undefined ? parseCount(this.cols, "--cols", 2, 1000) : here?.cols;
    const rows = this.rows !== undefined ? parseCount(this.rows, "--rows", 2, 1000) : here?.rows;
    const params = { ...this.commonParams(), harness: this.harness, args: this.args.length > 0 ? this.args : undefined, cols, rows, mode: "pty" as const };
    const client = await connectDaemon();
    try {
      const s = await client.call("sessions.launch", params);
      if (!this.attach) {
        this.print(s.id, s);
        return 0;
      }
      const o = await attachSession(client, s.id, false, io);
      this.context.stderr.write(attachNote(o));
      return o.status;
    } finally {
      client.close();
    }
  }
}
