// The daemon's vault: unlock, lock, status and get, with policy and audit. Reads go to the vault
// file each time (re-parsed only when its inode, size or mtime changed), so a CLI change is seen
// at the next read; keys live in the Keyring.
import { statSync } from "node:fs";
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import type { Config } from "../daemon/config.js";
import type { Logger } from "../daemon/log.js";
import { observeProcess, type ObservedProcess } from "../daemon/proc.js";
import type { AuditFields, AuditLog } from "../ledger/audit-log.js";
import type { CallContext } from "../rpc/context.js";
import { RpcError } from "../rpc/errors.js";
import { keysMatch, readVaultFile, type VaultDoc } from "./format.js";
import { Keyring } from "./keyring.js";
import { checkScope } from "./policy.js";
import { findEntry, listEntries, listVaults, vaultPath } from "./store.js";
import { UnlockThrottle } from "./throttle.js";

interface CachedDoc {
  /** ino, size, mtime and ctime in ns: any write or replace changes at least one. */
  stamp: string;
  doc: VaultDoc;
}

export class VaultService {
  private readonly keyring: Keyring;
  private readonly throttle = new UnlockThrottle();
  private readonly docs = new Map<string, CachedDoc>();
  /** The peer's executable and argv, read from /proc on its connection's first audited call. */
  private readonly observed = new WeakMap<CallContext, ObservedProcess>();

  constructor(
    private readonly home: string,
    private readonly config: Config["vault"],
    private readonly audit: AuditLog,
    private readonly log: Logger,
    /** Told every value served, and every value of a vault when it is unlocked, so output and imports can mask it. */
    private readonly onServe: (value: string) => void = () => {},
  ) {
    this.keyring = new Keyring((vault, reason) => {
      this.audit.append({ action: "evict", outcome: "ok", vault, detail: { reason } });
      this.log.info("vault key evicted", { event: "vault_evicted", vault, reason });
    });
  }

  async unlock(p: ParamsOf<"vault.unlock">, ctx: CallContext): Promise<ResultOf<"vault.unlock">> {
    const audited = { action: "unlock", vault: p.vault };
    let loaded: { doc: VaultDoc; path: string };
    try {
      loaded = this.load(p.vault);
    } catch (err) {
      this.record(ctx, { ...audited, outcome: "error", kind: kindOf(err) });
      throw err;
    }
    const { doc, path } = loaded;
    const idleMs = (p.idleSecs ?? this.config.idleSecs) * 1000;
    const maxMs = (p.maxSecs ?? this.config.maxSecs) * 1000;
    // One attempt at a time per uid, failures spaced out: see UnlockThrottle.
    const info = await this.throttle.run(ctx.peer.uid, () => {
      const held = this.keyring.add(p.vault, Buffer.from(p.key, "base64"), (keys) => keysMatch(doc, keys), doc.check.nonce, idleMs, maxMs);
      return { ok: held !== null, value: held };
    });
    if (!info) {
      this.record(ctx, { ...audited, outcome: "denied", kind: "bad_passphrase" });
      throw new RpcError("bad_passphrase", `wrong key for vault ${p.vault}`, { vault: p.vault, path });
    }
    this.record(ctx, { ...audited, outcome: "ok", detail: { idleSecs: info.idleSecs, maxSecs: info.maxSecs } });
    // Masking knows every value of an unlocked vault, not only those read so far: a transcript may
    // hold a secret that reached the agent some other way.
    for (const entry of this.keyring.use(p.vault, doc.check.nonce, (keys) => listEntries(doc, keys, path))) this.onServe(entry.value);
    return info;
  }

  lock(vault: string, ctx: CallContext): ResultOf<"vault.lock"> {
    const locked = this.keyring.lock(vault);
    this.record(ctx, { action: "lock", outcome: "ok", vault, detail: { held: locked } });
    return { vault, locked };
  }

  lockAll(ctx: CallContext | null): ResultOf<"vault.lockAll"> {
    const locked = this.keyring.lockAll();
    for (const vault of locked) this.record(ctx, { action: "lock", outcome: "ok", vault, detail: { all: true } });
    return { locked };
  }

  status(): ResultOf<"vault.status"> {
    return { vaults: this.keyring.status() };
  }

  get(p: ParamsOf<"vault.get">, ctx: CallContext): ResultOf<"vault.get"> {
    const base = { action: "get", vault: p.vault, name: p.name, scope: p.scope, reason: p.reason, caller: p.caller };
    try {
      const vault = (base.vault = this.resolveVault(p.vault));
      const { doc, path } = this.load(vault);
      const entry = this.keyring.use(vault, doc.check.nonce, (keys) => findEntry(doc, keys, p.name, path));
      if (!entry) throw new RpcError("not_found", `vault ${vault} has no entry ${JSON.stringify(p.name)}`, { vault, name: p.name });
      checkScope(entry, p.scope, vault);
      this.record(ctx, { ...base, outcome: "ok" }); // throws if the record cannot be written: no unaudited read
      this.keyring.touch(vault); // only a successful read keeps a vault unlocked
      this.onServe(entry.value);
      return { vault, name: entry.name, value: entry.value };
    } catch (err) {
      const kind = kindOf(err);
      if (kind !== "audit_failed") this.record(ctx, { ...base, outcome: kind === "scope_denied" ? "denied" : "error", kind });
      throw err;
    }
  }

  /** Zeroizes every key and releases queued unlocks: part of shutdown. */
  dispose(): void {
    this.throttle.cancel();
    this.lockAll(null);
  }

  private resolveVault(named: string | undefined): string {
    if (named) return named;
    if (this.config.default) return this.config.default;
    const unlocked = this.keyring.unlockedVaults();
    if (unlocked.length === 1) return unlocked[0]!;
    // None unlocked and only one vault exists: it is the one meant, and the read answers
    // vault_locked naming it and how to unlock it, not "name a vault".
    const all = listVaults(this.home);
    if (unlocked.length === 0 && all.length === 1) return all[0]!;
    throw new RpcError("invalid_params", `name a vault: no vault.default in config and not exactly one vault unlocked (vaults: ${all.join(", ") || "none"})`, {
      issues: [{ code: "custom", path: ["vault"], message: "required here" }],
      vaults: all,
      unlocked,
    });
  }

  private load(vault: string): { doc: VaultDoc; path: string } {
    const path = vaultPath(this.home, vault);
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (!st) {
      this.docs.delete(vault);
      throw new RpcError("not_found", `no vault named ${JSON.stringify(vault)} (${path})`, { vault });
    }
    const stamp = `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const cached = this.docs.get(vault);
    if (cached?.stamp === stamp) return { doc: cached.doc, path };
    const doc = readVaultFile(path, vault);
    this.docs.set(vault, { stamp, doc });
    return { doc, path };
  }

  private record(ctx: CallContext | null, fields: AuditFields): void {
    try {
      this.recordOrThrow(ctx, fields);
    } catch (err) {
      this.log.error("audit append failed", { event: "audit_failed", error: (err as Error).message });
      throw new RpcError("unavailable", "the audit log cannot be written, so nothing is served; see daemon.log", { reason: "audit_failed" });
    }
  }

  private recordOrThrow(ctx: CallContext | null, fields: AuditFields): void {
    let seen = ctx && this.observed.get(ctx);
    if (ctx && !seen) this.observed.set(ctx, (seen = observeProcess(ctx.peer.pid)));
    const peer = ctx && seen ? { ...ctx.peer, ...seen } : undefined;
    this.audit.append({ ...fields, ...(peer ? { peer } : { detail: { ...fields.detail, by: "daemon" } }) });
  }
}

function kindOf(err: unknown): string {
  if (err instanceof RpcError) return err.details.reason === "audit_failed" ? "audit_failed" : err.kind;
  return "internal";
}
