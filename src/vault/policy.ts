import { RpcError } from "../rpc/errors.js";
import type { EntryPlain } from "./format.js";

/**
 * A secret with scopes is read only by a request naming one of them. The refusal does not say
 * which scopes would do: a caller that was not told has to be given one, not guess it. The
 * allowed scopes go to the audit log and `warden vault list`.
 */
export function checkScope(entry: EntryPlain, scope: string | undefined, vault: string): void {
  if (entry.scopes.length > 0 && (scope === undefined || !entry.scopes.includes(scope))) {
    const why = scope === undefined ? "is scoped; the request named no scope" : `is not allowed for scope ${JSON.stringify(scope)}`;
    throw new RpcError("scope_denied", `${entry.name} ${why}`, { vault, name: entry.name });
  }
}
