import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class GrantsListCommand extends WardenCommand {
  static override paths = [["grants", "list"]];
  static override usage = Command.Usage({
    category: "Approvals",
    description: "List the grants in force",
    details: `
      One line per grant an approval made that has not ended: id, session, entry (vault/name), what is left of it (time, or one read), age, and the request it answered. A grant ends at its time, after its one read (--once), when its session ends, when its vault is locked (or evicted), and on \`warden grants revoke\`.

      With --json, the grants.list result: {grants: [{id, ts, session, vault, name, until, once, request, by}]}. Needs a running daemon.
    `,
    examples: [
      ["Every grant", "warden grants list"],
      ["One session's, as JSON", "warden grants list --session 0193a7c2-… --json"],
    ],
  });

  session = Option.String("--session", { description: "Only this session's grants" });

  async run(): Promise<number> {
    const { parseParams } = await import("../../params.js");
    const q = parseParams("grants.list", { session: this.session });
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const r = await callOnce(clientSocketPath(), "grants.list", q, CLI_CALL);
    const { grantsTable } = await import("../../approval-format.js");
    this.print(r.grants.length ? grantsTable(r.grants) : "no grants in force", r);
    return 0;
  }
}
