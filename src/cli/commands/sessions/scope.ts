import { Command, Option } from "clipanion";
import { SCOPE_PATTERN, SECRET_REF_PATTERN } from "../../../../protocol/patterns.js";
import { WardenCommand } from "../../base.js";
import { checked } from "../../launch-base.js";

export class SessionsScopeCommand extends WardenCommand {
  static override paths = [["sessions", "scope"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Replace a running session's credential scope",
    details: `
      Sets what the session's agent may read without a person's approval from its next read on: entries with one of the --scope scopes, and those named by --allow (VAULT/NAME). The options replace the whole scope: what is not given is taken away, and with none the agent reads nothing without approval. Reads already answered stay answered.

      The change is recorded as a \`scope\` event in the session's ledger and as a \`set_scope\` audit record. Only a person can make it: from inside a session (any session's process, on either socket) it is denied. A session that is not running, or another host's, is a conflict (exit status 1).
    `,
    examples: [
      ["Let a session read dev secrets", "warden sessions scope 0193a7c2-… --scope dev"],
      ["Widen it by one entry", "warden sessions scope 0193a7c2-… --scope dev --allow work/GITHUB_TOKEN"],
      ["Take everything away", "warden sessions scope 0193a7c2-…"],
    ],
  });

  session = Option.String({ required: true });
  scopes = Option.Array("--scope", [], { description: "A scope its agent reads under (repeat for several)" });
  allow = Option.Array("--allow", [], { description: "VAULT/NAME: an entry its agent may read whatever its scopes (repeat for several)" });

  async run(): Promise<number> {
    const scopes = checked(this.scopes, "--scope", SCOPE_PATTERN, 32, "1 to 128 printable ASCII characters, no spaces");
    const allow = checked(this.allow, "--allow", SECRET_REF_PATTERN, 256, "VAULT/NAME");
    const { callOnce } = await import("../../../rpc/client.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const { credentialLines } = await import("../../session-format.js");
    const r = await callOnce(clientSocketPath(), "sessions.setScope", { session: this.session, scopes, allow }, CLI_CALL);
    this.print([`session ${r.session}: credential scope replaced (event ${r.seq})`, ...credentialLines(r.credentials)].join("\n"), r);
    return 0;
  }
}
