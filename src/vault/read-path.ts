// The one way a secret is read, by the daemon (vault.get, and the secrets a person injects at
// sessions.launch) and by the CLI's direct mode alike: resolve the vault (one rule for the default),
// find the entry, check its scope, and audit the read, allowed or refused. What differs between the
// two is only how a vault's keys are reached (the daemon's keyring, a passphrase in direct mode) and
// how a record is written (coalesced or not, with the peer observed or the CLI itself): the caller's.
import type { AuditFields } from "../ledger/audit-log.js";
import { WardenError } from "../platform/errors.js";
import { RpcError } from "../rpc/errors.js";
import type { EntryPlain } from "./format.js";
import type { ReadDigester } from "./audit-digests.js";
import { judgeRead, type CredentialScope, type ReadVerdict } from "./policy.js";
import { listVaults } from "./store.js";

export interface ReadRequest {
  vault?: string;
  name: string;
  scope?: string;
  reason: string;
  caller?: string;
}

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
export function readRecord(req: ReadRequest, digests?: ReadDigester): AuditFields & { vault?: string } {
  const record: AuditFields = { action: "get", vault: req.vault, name: req.name, scope: req.scope, reason: req.reason, caller: req.caller, outcome: "ok" };
  if (digests) record.digests = digests(req.reason);
  return record;
}

/** A refused read's digests: its reason's only (no value was served). */
function unserved(req: ReadRequest, digests: ReadDigester | undefined): Pick<AuditFields, "digests"> {
  return digests ? { digests: digests(req.reason) } : {};
}

/** The record of a read about to be served: with the digest of the value it serves. */
function served(record: AuditFields, req: ReadRequest, read: Read, digests: ReadDigester | undefined): void {
  if (digests) record.digests = digests(req.reason, read.entry.value);
}

/**
 * Resolve, find, judge: the entry a read names and what serving it needs. `agent` is the credential
 * scope of the session whose agent reads, null for a person (policy.ts). Sets `record.vault` to the
 * vault resolved, so a refusal names it.
 */
export function findReadable(req: ReadRequest, access: ReadAccess, record: { vault?: string }, agent: CredentialScope | null = null): Read {
  const vault = (record.vault = req.vault || defaultVault(access.home, access.configured, access.unlocked()));
  const entry = access.entry(vault, req.name);
  if (!entry) throw new RpcError("not_found", `vault ${vault} has no entry ${JSON.stringify(req.name)}`, { vault, name: req.name });
  return { vault, entry, verdict: judgeRead(entry, vault, req.scope, agent) };
}

/**
 * A read answered at once: the daemon's secrets injected at sessions.launch, and direct mode.
 * `append` writes the record before the value is returned (it throws if it cannot: no unaudited read).
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
 * vault.get: `record` may count the read into a coalesced record and return the promise of it. A
 * read is answered only once its record is written, and then looked up again, so a lock or change
 * while it waited is honoured; a read refused then was counted in the summary's ok all the same (it
 * was allowed when recorded), and gets its own refusal record.
 */
export async function readCoalesced(req: ReadRequest, access: ReadAccess, record: (fields: AuditFields) => Promise<void> | null): Promise<Read> {
  const fields = readRecord(req, access.digests);
  try {
    const read = findReadable(req, access, fields);
    served(fields, req, read, access.digests);
    const pending = record(fields);
    if (!pending) return read;
    await pending;
    return findReadable(req, access, fields);
  } catch (err) {
    const refused = refusal(err);
    if (refused) await record({ ...fields, ...refused, ...unserved(req, access.digests) });
    throw err;
  }
}

/** A refused read's outcome and kind; null when the refusal is that the audit log cannot be written (nothing more can be). */
export function refusal(err: unknown): Pick<AuditFields, "outcome" | "kind"> | null {
  const kind = kindOf(err);
  if (kind === "audit_failed") return null;
  return { outcome: kind === "scope_denied" ? "denied" : "error", kind };
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
