import { Command, Option } from "clipanion";
import { WardenCommand } from "../base.js";

export class AttachCommand extends WardenCommand {
  static override paths = [["attach"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Attach this terminal to a running PTY session",
    details: `
      Clears the screen and draws the session's current screen (as the daemon's terminal emulator sees it), then shows its output live, with nothing missed in between. What you type goes to the session; the session is resized to this terminal, now and whenever the window changes size.

      Press Ctrl-\\ to detach: the session keeps running, and \`warden attach\` can pick it up again from any terminal. When the session ends, attach ends too with a "[session exited: …]" line on stderr. Attaching to a session that has already exited shows its last screen and exits 0.

      With --read-only, nothing is typed and nothing is resized: Ctrl-\\ or Ctrl-C detaches. Without a terminal on stdin (a script or pipe), only --read-only is possible; it streams the screen and then the output until the session ends. With --json, a summary ({session, ended, exit}) is printed on stdout at the end.
    `,
    examples: [
      ["Attach", "warden attach 0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11"],
      ["Watch without typing", "warden attach 0193a7c2-… --read-only"],
    ],
  });

  session = Option.String({ required: true });
  readOnly = Option.Boolean("--read-only", false, { description: "Watch only: no keystrokes, no resize" });

  async run(): Promise<number> {
    const { attachSession, attachNote, checkAttachInput } = await import("../attach.js");
    const { connectDaemon } = await import("../session-stream.js");
    const io = { stdin: this.context.stdin as NodeJS.ReadStream, stdout: this.context.stdout as NodeJS.WriteStream, stderr: this.context.stderr };
    checkAttachInput(io, this.readOnly);
    const client = await connectDaemon();
    try {
      const o = await attachSession(client, this.session, this.readOnly, io);
      this.context.stderr.write(attachNote(o));
      if (this.json) this.print("", { session: o.session, ended: o.ended, exit: o.exit, alreadyExited: o.alreadyExited });
      return o.status;
    } finally {
      client.close();
    }
  }
}
