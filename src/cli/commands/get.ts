import { Command, Option } from "clipanion";
import { get } from "../actions/get.js";
import { WardenCommand } from "../base.js";

export class GetCommand extends WardenCommand {
  static override paths = [["get"]];
  static override usage = Command.Usage({
    description: "Print one secret's value",
    details: `
      Prints the value alone on stdout (with a newline only when stdout is a terminal), so \`$(warden get NAME …)\` and pipes get exactly the value.

      Through the daemon when it runs and holds the vault unlocked (\`warden vault unlock\`). With no daemon, or with --no-daemon or WARDEN_NO_DAEMON=1, the vault file is read directly after a passphrase prompt on the terminal (or WARDEN_PASSPHRASE_FILE); without a terminal that fails at once instead of hanging.

      Every read is audited with the reason, the declared caller and the observed process. A secret with scopes needs --scope naming one of them. Exit status: 0, 1 (denied, locked, not found), 2 usage.
    `,
    examples: [
      ["Read for tests", "warden get OPENAI_KEY --scope dev --reason 'integration tests'"],
      ["From a named vault, as a caller", "warden get DB_URL --vault work --reason migrate --caller deploy.sh"],
    ],
  });

  name = Option.String({ required: true });
  vault = Option.String("--vault", { description: "Vault (default: config vault.default, or the only one)" });
  scope = Option.String("--scope", { description: "Scope the secret must allow" });
  reason = Option.String("--reason", { description: "Why the secret is needed (required; audited)" });
  caller = Option.String("--caller", { description: "Who is asking (self-declared; audited)" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the vault file directly (asks for the passphrase)" });

  run(): Promise<number> {
    return get({ name: this.name, vault: this.vault, scope: this.scope, reason: this.reason ?? "", caller: this.caller }, this.noDaemon, this.io);
  }
}
