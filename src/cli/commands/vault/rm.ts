import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";

export class VaultRmCommand extends WardenCommand {
  static override paths = [["vault", "rm"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Remove a secret from a vault",
    examples: [["Remove", "warden vault rm work OLD_TOKEN"]],
  });

  vault = Option.String({ required: true });
  name = Option.String({ required: true });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Read the passphrase from the first line of stdin" });

  async run(): Promise<number> {
    const { changeVault, findEntry, removeEntry } = await import("../../vault-access.js");
    const result = await changeVault(this.vault, this.passphraseStdin, (doc, keys, path) => {
      if (!findEntry(doc, keys, this.name, path)) throw new WardenError("not_found", `vault ${this.vault} has no ${this.name}`);
      return { doc: removeEntry(doc, keys, this.name), result: { vault: this.vault, name: this.name, removed: true } };
    });
    this.print(`removed ${this.name} from vault ${this.vault}`, result);
    return 0;
  }
}
