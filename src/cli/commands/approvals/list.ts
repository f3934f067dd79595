import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";

const STATES = ["pending", "approved", "denied", "expired", "all"] as const;

export class ApprovalsListCommand extends WardenCommand {
  static override paths = [["approvals", "list"]];
  static override usage = Command.Usage({
    category: "Approvals",
    description: "List approval requests (pending ones by default)",
    details: `
      One line per request an agent's read made, oldest first: id, age, session, entry (vault/name), the scope the read declared, the asking process's executable, and its reason (masked by the daemon). Decide one with \`warden approve <id>\` or \`warden deny <id>\`.

      --state shows the requests approved, denied or expired since the daemon started instead (or all of them). With --json, the approvals.list result: {requests: [{id, ts, session, peer: {uid, pid, exe, argv}, vault, name, scope, reason, state, expiresAt, decidedAt, by, denyReason, grant}]}. Needs a running daemon: requests live there.
    `,
    examples: [
      ["What waits for a decision", "warden approvals list"],
      ["One session's, as JSON", "warden approvals list --session 0193a7c2-… --json"],
      ["Everything since the daemon started", "warden approvals list --state all"],
    ],
  });

  session = Option.String("--session", { description: "Only this session's requests" });
  state = Option.String("--state", "pending", { description: "pending, approved, denied, expired or all" });

  async run(): Promise<number> {
    if (!(STATES as readonly string[]).includes(this.state))
      throw new WardenError("usage", `--state ${JSON.stringify(this.state)}: expected ${STATES.join(", ")}`, { option: "--state" });
    const { parseParams } = await import("../../params.js");
    const q = parseParams("approvals.list", { session: this.session, state: this.state === "all" ? undefined : this.state });
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const r = await callOnce(clientSocketPath(), "approvals.list", q, CLI_CALL);
    const { requestsTable } = await import("../../approval-format.js");
    this.print(r.requests.length ? requestsTable(r.requests) : this.state === "pending" ? "no pending requests" : "no requests", r);
    return 0;
  }
}
