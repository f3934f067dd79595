import { RpcError } from "../rpc/errors.js";
import type { EntryPlain } from "./format.js";

/** A secret with scopes is read only by a request naming one of them. */
export function checkScope(entry: EntryPlain, scope: string | undefined, vault: string): void {
  if (entry.scopes.length > 0 && (scope === undefined || !entry.scopes.includes(scope))) {
    throw new RpcError("scope_denied", `${entry.name} is limited to scopes ${entry.scopes.join(", ")}; pass one of them as scope`, {
      vault,
      name: entry.name,
      scopes: entry.scopes,
    });
  }
}
