import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";

/** A new vault's passphrase shorter than this (in characters) is refused without --allow-weak. */
export const MIN_PASSPHRASE_CHARS = 12;

/** Characters (code points) of a UTF-8 passphrase, counted without making a string of it. */
function chars(pass: Buffer): number {
  let n = 0;
  for (const b of pass) if ((b & 0xc0) !== 0x80) n++;
  return n;
}

export class VaultInitCommand extends WardenCommand {
  static override paths = [["vault", "init"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Create an empty encrypted vault",
    details:
      "Creates $WARDEN_HOME/vaults/<vault>.vault (0600). The passphrase is asked twice without echo, or read from the first line of stdin (--passphrase-stdin) or from the 0600 file named by WARDEN_PASSPHRASE_FILE. Argon2id cost: --kdf, default config vault.kdf (moderate).\n\nA passphrase under 12 characters is refused (error kind weak_passphrase; nothing is created), however it was given: at a prompt too, since a vault's passphrase is the one thing that protects its file wherever the file is synced. --allow-weak accepts it, with a warning on stderr.",
    examples: [
      ["Create vault work", "warden vault init work"],
      ["From a script", "warden vault init work --passphrase-stdin < pass.txt"],
      ["A throwaway vault with a short passphrase", "echo pw | warden vault init scratch --passphrase-stdin --allow-weak"],
    ],
  });

  vault = Option.String({ required: true });
  kdf = Option.String("--kdf", { description: "Argon2id cost: interactive, moderate or sensitive" });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Read the passphrase from the first line of stdin" });
  allowWeak = Option.Boolean("--allow-weak", false, { description: `Accept a passphrase under ${MIN_PASSPHRASE_CHARS} characters (with a warning)` });

  async run(): Promise<number> {
    const { cliContext, ensurePrivateDir, kdfProfile, newVault, readPassphrase, vaultExists, vaultPath, wipe, withVaultWriteLock, writeVaultFile } =
      await import("../../vault-access.js");
    const { paths, config } = cliContext();
    const profile = kdfProfile(this.kdf, config);
    const path = vaultPath(paths.home, this.vault);
    if (vaultExists(paths.home, this.vault)) throw new WardenError("conflict", `vault ${this.vault} already exists (${path})`, { path });
    const passphrase = await readPassphrase({ fromStdin: this.passphraseStdin, confirm: true, label: `new passphrase for vault ${this.vault}` });
    const length = chars(passphrase);
    if (length < MIN_PASSPHRASE_CHARS) {
      const weak = `the passphrase has ${length} characters; at least ${MIN_PASSPHRASE_CHARS} are advised`;
      if (!this.allowWeak) {
        wipe(passphrase);
        throw new WardenError("weak_passphrase", `${weak}; nothing was created (--allow-weak accepts it)`, {
          minLength: MIN_PASSPHRASE_CHARS,
          length,
          option: "--allow-weak",
        });
      }
      this.context.stderr.write(`warden: warning: ${weak}\n`);
    }
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
