import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { clientSocketPath } from "../../../platform/paths.js";
import { callOnce } from "../../../rpc/client.js";
import { WardenCommand } from "../../base.js";
import { CLI_CALL } from "../../timeouts.js";

export class VaultLockCommand extends WardenCommand {
  static override paths = [["vault", "lock"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Make the daemon forget a vault key (or all of them)",
    examples: [
      ["One vault", "warden vault lock work"],
      ["Every vault", "warden vault lock --all"],
    ],
  });

  vault = Option.String({ required: false });
  all = Option.Boolean("--all", false, { description: "Lock every unlocked vault" });

  async run(): Promise<number> {
    if (this.all === Boolean(this.vault)) throw new WardenError("usage", "name one vault, or pass --all");
    if (this.all) {
      const { locked } = await callOnce(clientSocketPath(), "vault.lockAll", {}, CLI_CALL);
      this.print(locked.length ? `locked ${locked.join(", ")}` : "no vault was unlocked", { locked });
    } else {
      const r = await callOnce(clientSocketPath(), "vault.lock", { vault: this.vault! }, CLI_CALL);
      this.print(r.locked ? `locked vault ${r.vault}` : `vault ${r.vault} was not unlocked`, r);
    }
    return 0;
  }
}
