// The one way a secret is read, by the daemon (vault.get, and the secrets a person injects at
// sessions.launch) and by the CLI's direct mode alike: resolve the vault (one rule for the default),
// find the entry, check its scope, and audit the read, allowed or refused. What differs between the
// two is only how a vault's keys are reached (the daemon's keyring, a passphrase in direct mode) and
// how a record is written (coalesced or not, with the peer observed or the CLI itself): the caller's.
import type { AuditFields } from "../ledger/audit-log.js";
import { WardenError } from "../platform/errors.js";
import { RpcError } from "../rpc/errors.js";
import type { EntryPlain } from "./format.js";
import type { CallContext } from "../rpc/context.js";
import type { ReadDigester } from "./audit-digests.js";
import { judgeRead, NO_SCOPE, type CredentialScope, type ReadVerdict } from "./policy.js";
import { listVaults } from "./store.js";

export interface ReadRequest {
  vault?: string;
  name: string;
  scope?: string;
  /**
   * Scopes a person presents instead of one scope (the session's, for the secrets injected at its
   * launch): an entry's first scope among them is the declared one, none for an unscoped entry.
   */
  presented?: readonly string[];
  reason: string;
  caller?: string;
}

/** The audit record of a read as the read path fills it in: the vault resolved, the scope used, an agent's session scopes. */
type ReadFields = AuditFields & { vault?: string };

export interface ReadAccess {
  /** $WARDEN_HOME: its vaults/ is where the default vault is looked for. */
  home: string;
  /** config vault.default. */
  configured: string | undefined;
  /** The vaults whose keys are held: the daemon's unlocked vaults; none in direct mode (no daemon holds a key). */
  unlocked(): string[];
  /** `name` in `vault`, or null; throws when the vault cannot be read (not_found, vault_locked, bad_passphrase, ...). */
  entry(vault: string, name: string): EntryPlain | null;
  /** The keyed digests of a read's reason and served value, for its audit record (absent: none recorded). */
  digests?: ReadDigester;
}

export interface Read {
  vault: string;
  entry: EntryPlain;
  /** serve, or approve: a session's agent reading outside its credential scope, or an entry whose policy is `always`. */
  verdict: ReadVerdict;
}

/**
 * The vault a read that names none uses: config vault.default; else the only vault unlocked; else,
 * none being unlocked, the only vault there is (so a locked one is answered vault_locked, naming it).
 * Direct mode runs only when no daemon does, so nothing is unlocked there: the same rule then picks
 * vault.default or the only vault file.
 */
export function defaultVault(home: string, configured: string | undefined, unlocked: string[]): string {
  if (configured) return configured;
  if (unlocked.length === 1) return unlocked[0]!;
  const all = listVaults(home);
  if (unlocked.length === 0 && all.length === 1) return all[0]!;
  const why =
    all.length === 0
      ? `there is no vault yet; create one with: warden vault init <vault>`
      : `no vault.default in config and not exactly one vault unlocked (vaults: ${all.join(", ")})`;
  throw new RpcError("invalid_params", `name a vault: ${why}`, {
    issues: [{ code: "custom", path: ["vault"], message: "required here" }],
    vaults: all,
    unlocked,
  });
}

/** The audit record of a read, before its outcome: `vault` is set once resolved, the value's digest once found (served). */
export function readRecord(req: ReadRequest, digests?: ReadDigester): ReadFields {
  const record: ReadFields = { action: "get", vault: req.vault, name: req.name, scope: req.scope, reason: req.reason, caller: req.caller, outcome: "ok" };
  if (digests) record.digests = digests(req.reason);
  return record;
}

/** A refused read's digests: its reason's only (no value was served). */
function unserved(req: ReadRequest, digests: ReadDigester | undefined): Pick<AuditFields, "digests"> {
  return digests ? { digests: digests(req.reason) } : {};
}

/** The record of a read about to be served: with the digest of the value it serves (the reason's is already there). */
function served(record: AuditFields, req: ReadRequest, read: Read, digests: ReadDigester | undefined): void {
  if (digests) record.digests = { reason: record.digests?.reason ?? digests(req.reason).reason, value: digests.value(read.entry.value) };
}

/**
 * Resolve, find, judge: the entry a read names and what serving it needs. `agent` is the credential
 * scope of the session whose agent reads, null for a person (policy.ts). Fills in `record`: the
 * vault resolved (so a refusal names it), the scope a presenting person used, and the session
 * scopes an agent's read was judged under (its allow list stays out: the record names the entry).
 */
export function findReadable(req: ReadRequest, access: ReadAccess, record: ReadFields, agent: CredentialScope | null = null): Read {
  const vault = (record.vault = req.vault || defaultVault(access.home, access.configured, access.unlocked()));
  if (agent) record.detail = { ...record.detail, sessionScopes: [...agent.scopes] };
  const entry = access.entry(vault, req.name);
  if (!entry) throw new RpcError("not_found", `vault ${vault} has no entry ${JSON.stringify(req.name)}`, { vault, name: req.name });
  const declared = req.scope ?? req.presented?.find((s) => entry.scopes.includes(s));
  if (declared !== undefined) record.scope = declared;
  return { vault, entry, verdict: judgeRead(entry, vault, declared, agent) };
}

/** Whose read it is: the scope it is judged under, and what an "approve" verdict does. */
export interface Reader {
  /** The credential scope the read is judged under, looked up at each check: null for a person. */
  scope(): CredentialScope | null;
  /**
   * A read judged "approve": the grant that allows it, at once when one is in force, else its
   * promise (once a person decided); throws (or rejects) why not: approval_pending, _denied, _expired.
   */
  approve(read: Read): string | Promise<string>;
}
/**
 * Whose credential scope a read is judged under: a person's, none (null); a session's agent's,
 * its running session's (`sessionScope`); an agent whose session cannot be told (a setsid
 * escapee, anyone on agent.sock) or has ended, NO_SCOPE: nothing without approval.
 */
export function readerScope(
  ctx: Pick<CallContext, "restricted" | "agentSession">,
  sessionScope: (session: string) => CredentialScope | null,
): CredentialScope | null {
  if (!ctx.restricted) return null;
  return (ctx.agentSession !== null && sessionScope(ctx.agentSession)) || NO_SCOPE;
}

const PERSON: Reader = {
  scope: () => null,
  approve: () => {
    throw new RpcError("internal", "a person's read never needs approval");
  },
};

/**
 * A read answered at once, by a person: the daemon's secrets injected at sessions.launch, and direct
 * mode. `append` writes the record before the value is returned (it throws if it cannot: no
 * unaudited read). `presented` in the request stands for the declared scope (see findReadable).
 */
export function readNow(req: ReadRequest, access: ReadAccess, append: (fields: AuditFields) => void): Read {
  const record = readRecord(req, access.digests);
  try {
    const read = findReadable(req, access, record);
    served(record, req, read, access.digests);
    append(record);
    return read;
  } catch (err) {
    const refused = refusal(err);
    if (refused) append({ ...record, ...refused, ...unserved(req, access.digests) });
    throw err;
  }
}

/**
 * vault.get: `reader` says whose scope the read is judged under and what an "approve" verdict
 * does (the grant that allows it goes into the record). `record` may count the read into a
 * coalesced record and return the promise of it. A read is answered only once its record is
 * written, and then looked up again, so a lock, change or scope change while it waited (for a
 * decision, or for its record) is honoured; a read refused then was counted in the summary's ok all
 * the same (it was allowed when recorded), and gets its own refusal record.
 */
export async function readCoalesced(
  req: ReadRequest,
  access: ReadAccess,
  record: (fields: AuditFields) => Promise<void> | null,
  reader: Reader = PERSON,
): Promise<Read> {
  const fields = readRecord(req, access.digests);
  try {
    let read = findReadable(req, access, fields, reader.scope());
    if (read.verdict === "approve") {
      const approving = reader.approve(read);
      if (typeof approving === "string") fields.grant = approving;
      else {
        fields.grant = await approving;
        read = findReadable(req, access, fields, reader.scope()); // a wait may be long
      }
    }
    served(fields, req, read, access.digests);
    const pending = record(fields);
    if (!pending) return read;
    await pending;
    const again = findReadable(req, access, fields, reader.scope());
    // Narrowed while the record was written: it needs approval now, and no grant was used for it.
    if (again.verdict === "approve" && fields.grant === undefined) await reader.approve(again);
    return again;
  } catch (err) {
    const refused = refusal(err);
    if (refused) await record({ ...fields, ...refused, ...unserved(req, access.digests) });
    throw err;
  }
}

/**
 * Which reads are one (AuditCoalescer): the same peer process (pid and start time), the same
 * record (a changed value is a different read: its digest differs), and the same credential scope judged (what the verdict depended on: a read after a scope
 * change is not a repeat of one before it).
 */
export function coalesceKey(pid: number, startTime: string | null, f: AuditFields, scope: CredentialScope | null): string {
  return JSON.stringify([pid, startTime, f.action, f.vault, f.name, f.scope, f.reason, f.caller, f.outcome, f.kind, f.grant, f.digests?.value, scope]);
}

/** A refused read's outcome and kind; null when the refusal is that the audit log cannot be written (nothing more can be). */
export function refusal(err: unknown): Pick<AuditFields, "outcome" | "kind"> | null {
  const kind = kindOf(err);
  if (kind === "audit_failed") return null;
  return { outcome: kind === "scope_denied" || kind.startsWith("approval_") ? "denied" : "error", kind };
}

/**
 * The kind an audit record gives a failure: `audit_failed` for an unwritable log, else the error's
 * kind (an RpcError's, or a WardenError's such as a symlinked vault file's unsafe_path, the kind
 * the socket answers too), else internal.
 */
export function kindOf(err: unknown): string {
  if (err instanceof RpcError) return err.details.reason === "audit_failed" ? "audit_failed" : err.kind;
  if (err instanceof WardenError) return err.kind;
  return "internal";
}

/** The error that refuses a read whose record cannot be written: `unavailable`, reason audit_failed. */
export function auditFailed(where: string): RpcError {
  return new RpcError("unavailable", `the audit log cannot be written, so nothing is served; see ${where}`, { reason: "audit_failed" });
}
