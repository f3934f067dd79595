import { Command } from "clipanion";
import { clientSocketPath } from "../../../platform/paths.js";
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
    const { formatSecs } = await import("../../format.js");
    const { table } = await import("../../table.js");
    const human = r.vaults.length
      ? table(r.vaults, [
          { header: "VAULT", cell: (v) => v.vault },
          { header: "UNLOCKED", cell: (v) => v.unlockedAt },
          { header: "IDLE LOCK IN", cell: (v) => formatSecs(v.idleSecsRemaining) },
          { header: "HARD LOCK IN", cell: (v) => formatSecs(v.maxSecsRemaining) },
        ])
      : "no vault is unlocked";
    this.print(human, r);
    return 0;
  }
}
