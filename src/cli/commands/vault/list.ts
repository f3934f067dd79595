import { Command, Option } from "clipanion";
import { DEFAULT_APPROVAL } from "../../../vault/policy.js";
import { WardenCommand } from "../../base.js";

export class VaultListCommand extends WardenCommand {
  static override paths = [["vault", "list"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "List a vault's secrets: names, scopes, approval policies, descriptions — never values",
    details:
      "Names are stored hashed, so listing needs the passphrase. An entry's approval policy is shown when it is not the default (outside-scope); --json always gives it. Without a vault name, lists the vaults.",
    examples: [
      ["Entries of vault work", "warden vault list work"],
      ["The vaults", "warden vault list"],
    ],
  });

  vault = Option.String({ required: false });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Read the passphrase from the first line of stdin" });

  async run(): Promise<number> {
    const access = await import("../../vault-access.js");
    if (!this.vault) {
      const { paths } = access.cliContext();
      const vaults = access.listVaults(paths.home);
      this.print(vaults.length ? vaults.join("\n") : `no vaults in ${paths.vaults}`, { vaults });
      return 0;
    }
    const open = await access.openVault(this.vault, this.passphraseStdin);
    const entries = access
      .listEntries(open.doc, open.keys, open.path)
      .map(({ value: _secret, ...meta }) => ({ ...meta, approval: meta.approval ?? DEFAULT_APPROVAL }));
    access.wipe(open.keys);
    const human = entries.length
      ? entries
          .map((e) => `${e.name}${e.scopes.length ? `  [${e.scopes.join(", ")}]` : ""}${policyNote(e.approval)}${e.description ? `  ${e.description}` : ""}`)
          .join("\n")
      : `vault ${this.vault} is empty`;
    this.print(human, { vault: this.vault, entries });
    return 0;
  }
}

const policyNote = (approval: string): string => (approval === DEFAULT_APPROVAL ? "" : `  (approval: ${approval})`);
