// A session's credential scope: what its agent may read without a person's approval (vault
// policy.ts judges with it), set at launch and replaced by sessions.setScope. Held by the live
// session and recorded in its ledger (the launch event, then `scope` events), so the projection
// shows it; it lives only as long as the session runs: a daemon restart ends every session
// (recovery.ts), and an agent whose session has ended reads under NO_SCOPE.
import type { ParamsOf } from "../../protocol/index.js";
import { maskText } from "../masking/masker.js";
import type { SecretValues } from "../masking/secret-values.js";
import type { CallContext } from "../rpc/context.js";
import { RpcError } from "../rpc/errors.js";
import type { CredentialScope } from "../vault/policy.js";
import type { ReadRequest } from "../vault/read-path.js";

/** The credential scope as recorded and held: each name once, in the order given. */
export function credentialScope(p: { scopes?: readonly string[]; allow?: readonly string[] }): { scopes: string[]; allow: string[] } {
  return { scopes: [...new Set(p.scopes ?? [])], allow: [...new Set(p.allow ?? [])] };
}

/**
 * The credential scope as written to the ledger and the audit log: each scope and VAULT/NAME
 * masked (a scope is any 128 printable characters: a pasted token fits). Only what is
 * recorded: the scope in force keeps the names as given.
 */
export function recordedScope(c: CredentialScope, secrets: SecretValues): { scopes: string[]; allow: string[] } {
  const mask = (names: readonly string[]) => names.map((n) => maskText(n, secrets).text);
  return { scopes: mask(c.scopes), allow: mask(c.allow) };
}

/**
 * The secrets a person injects at launch (ENV -> value), each read like vault.get by that person,
 * presenting the session's scopes: a scoped entry must share one of them, an unscoped one is read.
 */
export function readInjected(
  p: ParamsOf<"sessions.launch">,
  scopes: readonly string[],
  why: { session: string; title: string },
  read: (r: ReadRequest, ctx: CallContext) => string,
  ctx: CallContext,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [env, ref] of Object.entries(p.secrets ?? {})) {
    const slash = ref.indexOf("/");
    values[env] = read(
      {
        vault: ref.slice(0, slash),
        name: ref.slice(slash + 1),
        presented: scopes,
        reason: p.reason ?? `session ${why.session}`,
        caller: `sessions.launch ${why.title}`.slice(0, 200),
      },
      ctx,
    );
  }
  return values;
}

/** A scope change whose event could not be written: refused (the session is stopped: nothing runs unrecorded). */
export function notRecorded(err: Error): never {
  throw new RpcError("unavailable", `the scope change could not be recorded (${err.message})`, { reason: "ledger_failed" });
}

export type { CredentialScope };
