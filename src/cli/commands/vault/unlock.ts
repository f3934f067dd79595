import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";
import { parseDuration } from "../../options.js";

export class VaultUnlockCommand extends WardenCommand {
  static override paths = [["vault", "unlock"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Unlock a vault in the daemon",
    details:
      "Derives the key from the passphrase here (Argon2id) and hands only the key to the daemon, which keeps it in locked memory until it has been idle for --idle or --max has passed since unlock (config vault.idleSecs / vault.maxSecs, default 15m / 8h).",
    examples: [
      ["Unlock for the day", "warden vault unlock work"],
      ["Short-lived", "warden vault unlock work --idle 2m --max 1h"],
    ],
  });

  vault = Option.String({ required: true });
  idle = Option.String("--idle", { description: "Lock after this long without a read (e.g. 15m)" });
  max = Option.String("--max", { description: "Lock this long after unlock whatever the use (e.g. 8h)" });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Read the passphrase from the first line of stdin" });

  async run(): Promise<number> {
    const secs = (text: string | undefined, opt: string) => (text === undefined ? undefined : Math.max(1, Math.round(parseDuration(text, opt) / 1000)));
    const idleSecs = secs(this.idle, "--idle");
    const maxSecs = secs(this.max, "--max");
    const { cliContext, readPassphrase, readVaultFile, vaultPath, wipe } = await import("../../vault-access.js");
    const { deriveMasterKey } = await import("../../../vault/crypto.js");
    const { clientSocketPath } = await import("../../../platform/paths.js");
    const { RpcClient } = await import("../../../rpc/client.js");
    const { CLI_CALL } = await import("../../timeouts.js");
    const { formatSecs } = await import("../../format.js");
    const { refuseCoreDumps } = await import("../../../platform/native.js");
    const { paths } = cliContext(false); // hardened after vault.unlock, once the daemon has observed us
    const doc = readVaultFile(vaultPath(paths.home, this.vault), this.vault);
    // Connect first: no point asking for a passphrase when no daemon is there to hold the key.
    const client = await RpcClient.connect(clientSocketPath(), { ...CLI_CALL, callTimeoutMs: 60_000 });
    try {
      const passphrase = await readPassphrase({ fromStdin: this.passphraseStdin, label: `passphrase for vault ${this.vault}` });
      const master = await deriveMasterKey(passphrase, doc.kdf);
      wipe(passphrase);
      const key = master.toString("base64");
      wipe(master);
      const info = await client.call("vault.unlock", { vault: this.vault, key, idleSecs, maxSecs });
      refuseCoreDumps();
      this.print(`unlocked vault ${this.vault}: locks after ${formatSecs(info.idleSecs)} idle, at most ${formatSecs(info.maxSecs)}`, info);
      return 0;
    } finally {
      client.close();
    }
  }
}
