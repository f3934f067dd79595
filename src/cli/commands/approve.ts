import { Command, Option } from "clipanion";
import { WardenCommand } from "../base.js";

export class ApproveCommand extends WardenCommand {
  static override paths = [["approve"]];
  static override usage = Command.Usage({
    category: "Approvals",
    description: "Approve an agent's request: a grant for a time (default 10m) or one read",
    details: `
      Approving a request (\`warden approvals list\`, \`warden approvals watch\`) makes a grant: the request's session may read that entry (vault/name) for --for (default 10m: the next few reads of the same task need no new approval), or, with --once, for exactly one read. A vault.get waiting on the request returns the value at once. The grant ends earlier when its session ends, its vault is locked, or \`warden grants revoke\` ends it.

      Durations: 30s, 10m, 2h, 1d (at most 30d; whole seconds). Only a person decides: run from inside a session (an agent, even on warden.sock), this is refused with kind denied (exit 1). A request already decided or expired is a conflict (exit 1).
    `,
    examples: [
      ["Approve for 10 minutes", "warden approve r-0193a7c2-5a10-7cc1"],
      ["For an hour", "warden approve r-0193a7c2-5a10-7cc1 --for 1h"],
      ["For exactly one read", "warden approve r-0193a7c2-5a10-7cc1 --once"],
    ],
  });

  request = Option.String({ required: true, name: "id" });
  for = Option.String("--for", { description: "How long the grant lasts: 30s, 10m, 2h (default 10m)" });
  once = Option.Boolean("--once", false, { description: "The grant allows exactly one read" });

  async run(): Promise<number> {
    const { approveParams } = await import("../approval-decide.js");
    const params = approveParams(this.request, this.for, this.once);
    const { decide, decidedText } = await import("../approval-decide.js");
    const r = await decide(params);
    this.print(decidedText(r), r);
    return 0;
  }
}
