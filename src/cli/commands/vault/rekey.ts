import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class VaultRekeyCommand extends WardenCommand {
  static override paths = [["vault", "rekey"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Change a vault's passphrase",
    details:
      "Re-seals every entry under a new salt and key. With --passphrase-stdin the current passphrase is the first line of stdin and the new one the second. A daemon holding the old key drops it at its next read of this vault (answering vault_locked).",
    examples: [["Rekey", "warden vault rekey work"]],
  });

  vault = Option.String({ required: true });
  kdf = Option.String("--kdf", { description: "Argon2id cost for the new key: interactive, moderate or sensitive" });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Current passphrase, then the new one, one per line on stdin" });

  async run(): Promise<number> {
    const { changeVault, cliContext, kdfProfile, readPassphrase, rekeyVault, wipe } = await import("../../vault-access.js");
    const profile = kdfProfile(this.kdf, cliContext().config);
    const result = await changeVault(this.vault, this.passphraseStdin, async (doc, keys, path) => {
      const next = await readPassphrase({ fromStdin: this.passphraseStdin, confirm: true, ignoreFile: true, label: `new passphrase for vault ${this.vault}` });
      const rekeyed = await rekeyVault(doc, keys, path, next, profile);
      wipe(next);
      wipe(rekeyed.keys);
      return { doc: rekeyed.doc, result: { vault: this.vault, entries: rekeyed.doc.entries.length, kdf: profile } };
    });
    this.print(`rekeyed vault ${this.vault} (${result.entries} entries)`, result);
    return 0;
  }
}
