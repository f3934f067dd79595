import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";
import { DEFAULT_APPROVAL } from "../../../vault/policy.js";
import { checkApproval, checkScopes } from "./add.js";

export class VaultSetCommand extends WardenCommand {
  static override paths = [["vault", "set"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Change a secret's value, scopes or description",
    details:
      "Replaces the value (read like `vault add`: stdin or a no-echo prompt) unless --keep-value. --scope replaces the scope list; --any-scope clears it. --approval changes when an agent's read needs approval (kept unless given). A running daemon sees the change on its next read.",
    examples: [
      ["Rotate a value", "warden vault set work OPENAI_KEY"],
      ["Only narrow the scopes", "warden vault set work OPENAI_KEY --keep-value --scope ci"],
    ],
  });

  vault = Option.String({ required: true });
  name = Option.String({ required: true });
  scopes = Option.Array("--scope", { description: "New scope list (repeat for several)" });
  anyScope = Option.Boolean("--any-scope", false, { description: "Clear the scopes: any caller may read it" });
  description = Option.String("--description", { description: "New description" });
  approval = Option.String("--approval", { description: "When an agent's read needs approval: always, outside-scope or never (default: unchanged)" });
  keepValue = Option.Boolean("--keep-value", false, { description: "Keep the current value" });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Passphrase on the first line of stdin, value after it" });

  async run(): Promise<number> {
    if (this.anyScope && this.scopes) throw new WardenError("usage", "--scope and --any-scope contradict each other");
    checkScopes(this.scopes ?? []);
    const approval = checkApproval(this.approval);
    const { changeVault, findEntry, putEntry, readSecretValue, wipe } = await import("../../vault-access.js");
    const result = await changeVault(this.vault, this.passphraseStdin, async (doc, keys, path) => {
      const current = findEntry(doc, keys, this.name, path);
      if (!current) throw new WardenError("not_found", `vault ${this.vault} has no ${this.name}; use: warden vault add ${this.vault} ${this.name}`);
      let value = current.value;
      if (!this.keepValue) {
        const read = await readSecretValue(this.name);
        value = read.toString("utf8");
        wipe(read);
      }
      const scopes = this.anyScope ? [] : (this.scopes ?? current.scopes);
      const entry = {
        ...current,
        value,
        scopes,
        description: this.description ?? current.description,
        ...(approval ? { approval } : {}),
        updatedAt: new Date().toISOString(),
      };
      const result = { vault: this.vault, name: this.name, scopes, approval: entry.approval ?? DEFAULT_APPROVAL, valueChanged: !this.keepValue };
      return { doc: putEntry(doc, keys, entry), result };
    });
    this.print(`updated ${this.name} in vault ${this.vault}`, result);
    return 0;
  }
}
