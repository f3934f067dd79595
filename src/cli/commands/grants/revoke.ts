import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class GrantsRevokeCommand extends WardenCommand {
  static override paths = [["grants", "revoke"]];
  static override usage = Command.Usage({
    category: "Approvals",
    description: "End a grant now",
    details: `
      The grant (\`warden grants list\`) ends at once: the session's next read of that entry needs a new approval. A grant that has already ended, or never was, is not_found (exit 1). Only a person may revoke: from inside a session this is refused with kind denied (exit 1).
    `,
    examples: [["End a grant", "warden grants revoke g-0193a7c2-6b20-7aa0"]],
  });

  grant = Option.String({ required: true, name: "id" });

  async run(): Promise<number> {
    const { parseParams } = await import("../../params.js");
    const q = parseParams("grants.revoke", { grant: this.grant });
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const r = await callOnce(clientSocketPath(), "grants.revoke", q, CLI_CALL);
    this.print(`revoked grant ${r.grant}`, r);
    return 0;
  }
}
