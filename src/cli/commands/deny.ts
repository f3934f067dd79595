import { Command, Option } from "clipanion";
import { WardenCommand } from "../base.js";

export class DenyCommand extends WardenCommand {
  static override paths = [["deny"]];
  static override usage = Command.Usage({
    category: "Approvals",
    description: "Deny an agent's request",
    details: `
      The read that made the request (\`warden approvals list\`) is refused: a vault.get waiting on it answers approval_denied at once, with --reason as data.reason when given (masked like every reason). The agent's next read of the entry asks again.

      Only a person decides: run from inside a session (an agent, even on warden.sock), this is refused with kind denied (exit 1). A request already decided or expired is a conflict (exit 1).
    `,
    examples: [
      ["Deny", "warden deny r-0193a7c2-5a10-7cc1"],
      ["Saying why", "warden deny r-0193a7c2-5a10-7cc1 --reason 'use the staging key'"],
    ],
  });

  request = Option.String({ required: true, name: "id" });
  reason = Option.String("--reason", { description: "Why, for the agent (1 to 500 characters)" });

  async run(): Promise<number> {
    const { decide, decidedText, denyParams } = await import("../approval-decide.js");
    const r = await decide(denyParams(this.request, this.reason));
    this.print(decidedText(r), r);
    return 0;
  }
}
