// vault.unlock, vault.lock, vault.lockAll, vault.status, vault.get.
import { methods } from "../../../protocol/index.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";
import type { VaultService } from "../../vault/service.js";

export function vaultBindings(vault: VaultService): Binding[] {
  return [
    bind(methods["vault.unlock"], (p, ctx) => vault.unlock(p, ctx)),
    bind(methods["vault.lock"], (p, ctx) => vault.lock(p.vault, ctx)),
    bind(methods["vault.lockAll"], (_p, ctx) => vault.lockAll(ctx)),
    bind(methods["vault.status"], () => vault.status()),
    bind(methods["vault.get"], (p, ctx) => vault.get(p, ctx)),
  ];
}
