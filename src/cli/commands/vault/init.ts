import { Command, Option } from "clipanion";
import { WardenError } from "../../../errors.js";
import { WardenCommand } from "../../base.js";

export class VaultInitCommand extends WardenCommand {
  static override paths = [["vault", "init"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Create an empty encrypted vault",
    details:
      "Creates $WARDEN_HOME/vaults/<vault>.vault (0600). The passphrase is asked twice without echo, or read from the first line of stdin (--passphrase-stdin) or from the 0600 file named by WARDEN_PASSPHRASE_FILE. Argon2id cost: --kdf, default config vault.kdf (moderate).",
    examples: [["Create vault work", "warden vault init work"], ["From a script", "warden vault init work --passphrase-stdin < pass.txt"]],
  });

  vault = Option.String({ required: true });
  kdf = Option.String("--kdf", { description: "Argon2id cost: interactive, moderate or sensitive" });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Read the passphrase from the first line of stdin" });

  async run(): Promise<number> {
    const { cliContext, ensurePrivateDir, kdfProfile, newVault, readPassphrase, vaultExists, vaultPath, wipe, withVaultWriteLock, writeVaultFile } = await import(
      "../../vault-access.js"
    );
    const { paths, config } = cliContext();
    const profile = kdfProfile(this.kdf, config);
    const path = vaultPath(paths.home, this.vault);
    if (vaultExists(paths.home, this.vault)) throw new WardenError("conflict", `vault ${this.vault} already exists (${path})`, { path });
    const passphrase = await readPassphrase({ fromStdin: this.passphraseStdin, confirm: true, label: `new passphrase for vault ${this.vault}` });
    ensurePrivateDir(paths.vaults, { tighten: false });
    await withVaultWriteLock(paths, this.vault, async () => {
      if (vaultExists(paths.home, this.vault)) throw new WardenError("conflict", `vault ${this.vault} already exists (${path})`, { path });
      const { doc, keys } = await newVault(passphrase, profile);
      wipe(passphrase);
      wipe(keys);
      writeVaultFile(path, doc);
    });
    this.print(`created vault ${this.vault} (${path})`, { vault: this.vault, path, kdf: profile });
    return 0;
  }
}
