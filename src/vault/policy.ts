import { RpcError } from "../rpc/errors.js";
import type { EntryPlain } from "./format.js";

/** When a read of an entry needs a person's approval (stored sealed with the entry; absent = outside-scope). */
export const APPROVAL_POLICIES = ["always", "outside-scope", "never"] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];
export const DEFAULT_APPROVAL: ApprovalPolicy = "outside-scope";

/**
 * A session's credential scope, set at launch (and by sessions.setScope): the scopes its agent
 * reads under and the entries it may read by name (`VAULT/NAME`). The only source of truth for
 * that session's agent: what the agent declares cannot widen it.
 */
export interface CredentialScope {
  scopes: readonly string[];
  allow: readonly string[];
}

/** An agent whose session cannot be told, or a session launched without a scope: nothing without approval. */
export const NO_SCOPE: CredentialScope = { scopes: [], allow: [] };

/** What a read that passed the checks needs: served at once, or a person's approval (a grant in force counts as one). */
export type ReadVerdict = "serve" | "approve";

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

/**
 * Who reads decides what is checked. A person (`agent` null): the entry's scopes against the
 * declared scope, and served. A session's agent: its session's credential scope, whatever it
 * declares; a declared scope outside the session's is refused (scope_denied), as is a read outside
 * the session's scope of an entry whose policy is `never`. Outside the scope (`outside-scope`, the
 * default), or always (`always`), the read needs approval.
 */
export function judgeRead(entry: EntryPlain, vault: string, declared: string | undefined, agent: CredentialScope | null): ReadVerdict {
  if (!agent) {
    checkScope(entry, declared, vault);
    return "serve";
  }
  if (declared !== undefined && !agent.scopes.includes(declared)) {
    throw new RpcError("scope_denied", `this session may not present scope ${JSON.stringify(declared)}`, { vault, name: entry.name });
  }
  const inScope = entry.scopes.some((s) => agent.scopes.includes(s)) || agent.allow.includes(`${vault}/${entry.name}`);
  const policy = entry.approval ?? DEFAULT_APPROVAL;
  if (policy === "always") return "approve";
  if (inScope) return "serve";
  if (policy === "never") throw new RpcError("scope_denied", `${entry.name} is outside this session's credential scope`, { vault, name: entry.name });
  return "approve";
}
