import { Command } from "clipanion";
import { clientSocketPath } from "../../../daemon/paths.js";
import { callOnce } from "../../../rpc/client.js";
import { WardenCommand } from "../../base.js";
import { CLI_CALL } from "../../timeouts.js";

export class VaultStatusCommand extends WardenCommand {
  static override paths = [["vault", "status"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Show the vaults the daemon holds unlocked, with time left",
    examples: [["Status", "warden vault status"]],
  });

  async run(): Promise<number> {
    const r = await callOnce(clientSocketPath(), "vault.status", {}, CLI_CALL);
    const human = r.vaults.length
      ? r.vaults.map((v) => `${v.vault}  unlocked ${v.unlockedAt}  idle lock in ${v.idleSecsRemaining} s  hard lock in ${v.maxSecsRemaining} s`).join("\n")
      : "no vault is unlocked";
    this.print(human, r);
    return 0;
  }
}
