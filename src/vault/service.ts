// The daemon's vault: unlock, lock, status and get, with policy and audit. Reads go to the vault
// file each time (re-parsed only when its inode, size or mtime changed), so a CLI change is seen
// at the next read; keys live in the Keyring. While a vault is unlocked every value in its file is
// handed to masking: at unlock, and again whenever the file changes (an inotify watch on vaults/,
// a stat on each read, and a stat every second as the fallback when the watch cannot run).
import { statSync, watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/log.js";
import type { AuditFields, AuditLog } from "../ledger/audit-log.js";
import type { CallContext } from "../rpc/context.js";
import { RpcError } from "../rpc/errors.js";
import type { ApprovalService } from "./approvals/service.js";
import { approveRead } from "./approvals/gate.js";
import { keysMatch, readVaultFile, type EntryPlain, type VaultDoc } from "./format.js";
import { Keyring } from "./keyring.js";
import { RateLimiter } from "./rate-limit.js";
import type { CredentialScope } from "./policy.js";
import { kindOf, readCoalesced, readerScope, readNow, readRecord } from "./read-path.js";
import { PeerRecords } from "./peer-records.js";
import type { ReadAccess, Reader, ReadRequest } from "./read-path.js";
import type { ReadDigester } from "./audit-digests.js";
import { findEntry, listEntries, vaultPath } from "./store.js";
import { UnlockThrottle } from "./throttle.js";

/** The fallback stat of unlocked vaults' files. */
const REFRESH_MS = 1000;

export interface VaultServiceOptions {
  /** Masks text before it is recorded (a caller's argv may hold a secret). */
  mask?: (text: string) => string;
  /** The key an agent caller is rate-limited under (its session), or null for a person (never limited). */
  sessionOf?: (ctx: CallContext) => string | null;
  /** A running session's current credential scope, or null when it is not running (its agents then read under NO_SCOPE). */
  sessionScope?: (session: string) => CredentialScope | null;
  /** Where a read needing a person's approval asks (and a lock or eviction ends the vault's grants). */
  approvals?: ApprovalService;
  /** Keyed digests of each read's reason and value, for its audit record. */
  digests?: ReadDigester;
}

interface CachedDoc {
  /** ino, size, mtime and ctime in ns: any write or replace changes at least one. */
  stamp: string;
  doc: VaultDoc;
}

export class VaultService {
  private readonly keyring: Keyring;
  private readonly throttle = new UnlockThrottle();
  private readonly docs = new Map<string, CachedDoc>();
  /** Audit records of what peers do here, the peer observed, reads coalesced. */
  private readonly records: PeerRecords;
  private readonly limiter: RateLimiter;
  private readonly mask: (text: string) => string;
  private readonly sessionScope: (session: string) => CredentialScope | null;
  private readonly approvals: ApprovalService | undefined;
  /** The read path's view of this daemon's vaults: the keyring's keys over the cached files. */
  private readonly access: ReadAccess;
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly home: string,
    private readonly config: Config["vault"],
    private readonly audit: AuditLog,
    private readonly log: Logger,
    /** Told every value served, and every value of a vault when it is unlocked, so output and imports can mask it. */
    private readonly onServe: (value: string) => void = () => {},
    opts: VaultServiceOptions = {},
  ) {
    this.limiter = new RateLimiter(config.rateLimit, opts.sessionOf ?? (() => null));
    this.mask = opts.mask ?? ((t) => t);
    this.sessionScope = opts.sessionScope ?? (() => null);
    this.records = new PeerRecords(audit, log, this.mask, (ctx) => readerScope(ctx, this.sessionScope));
    this.approvals = opts.approvals;
    this.keyring = new Keyring((vault, reason) => {
      this.approvals?.vaultLocked(vault);
      this.audit.append({ action: "evict", outcome: "ok", vault, detail: { reason } });
      this.log.info("vault key evicted", { event: "vault_evicted", vault, reason });
    });
    this.access = {
      home,
      configured: config.default,
      unlocked: () => this.keyring.unlockedVaults(),
      entry: (vault, name) => {
        const { doc, path } = this.load(vault);
        return this.keyring.use(vault, doc.check.nonce, (keys) => findEntry(doc, keys, name, path));
      },
      digests: opts.digests,
    };
  }

  async unlock(p: ParamsOf<"vault.unlock">, ctx: CallContext): Promise<ResultOf<"vault.unlock">> {
    const audited = { action: "unlock", vault: p.vault };
    let loaded: { doc: VaultDoc; path: string };
    try {
      loaded = this.load(p.vault);
    } catch (err) {
      this.records.record(ctx, { ...audited, outcome: "error", kind: kindOf(err) });
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
      this.records.record(ctx, { ...audited, outcome: "denied", kind: "bad_passphrase" });
      throw new RpcError("bad_passphrase", `wrong key for vault ${p.vault}`, { vault: p.vault, path });
    }
    this.records.record(ctx, { ...audited, outcome: "ok", detail: { idleSecs: info.idleSecs, maxSecs: info.maxSecs } });
    // Masking knows every value of an unlocked vault, not only those read so far: a transcript may
    // hold a secret that reached the agent some other way.
    this.learn(p.vault, doc, path);
    this.watchFiles();
    return info;
  }

  /**
   * Re-reads an unlocked vault's file if it changed since it was last read (a `warden vault add`
   * writes the file directly) and hands every value in it to masking. Cheap when unchanged: a stat.
   */
  refresh(vault: string): void {
    if (!this.keyring.has(vault)) return;
    try {
      this.load(vault); // learns the values when the file changed
    } catch {
      // gone or unreadable: the next read says why
    }
  }

  /** Every value of `vault` to masking; its key must be held (else nothing: a locked vault's values stay masked). */
  private learn(vault: string, doc: VaultDoc, path: string): void {
    if (!this.keyring.holds(vault, doc.check.nonce)) return; // rekeyed: the next read drops the stale key and says why
    let entries;
    try {
      entries = this.keyring.use(vault, doc.check.nonce, (keys) => listEntries(doc, keys, path));
    } catch {
      return; // expired or rekeyed: locked now; the read that follows says so
    }
    for (const entry of entries) this.onServe(entry.value);
  }

  /**
   * Follows vaults/ while any vault is unlocked: an inotify event re-reads a changed file within
   * the event-loop turn it arrives in; the 1 s stat covers a watch that could not be set up or
   * missed an event (a vaults/ replaced as a whole).
   */
  private watchFiles(): void {
    if (!this.watcher) {
      try {
        this.watcher = watch(join(this.home, "vaults"), { persistent: false }, (_type, file) => {
          const name = typeof file === "string" && file.endsWith(".vault") ? file.slice(0, -".vault".length) : null;
          if (name) this.refresh(name);
          else for (const v of this.keyring.unlockedVaults()) this.refresh(v);
        });
        this.watcher.on("error", () => {
          this.watcher?.close();
          this.watcher = null; // the poll goes on; the next unlock tries again
        });
      } catch {
        this.watcher = null;
      }
    }
    this.poll ??= setInterval(() => {
      for (const v of this.keyring.unlockedVaults()) this.refresh(v);
    }, REFRESH_MS).unref();
  }

  lock(vault: string, ctx: CallContext): ResultOf<"vault.lock"> {
    const locked = this.keyring.lock(vault);
    this.records.record(ctx, { action: "lock", outcome: "ok", vault, detail: { held: locked } });
    if (locked) this.approvals?.vaultLocked(vault);
    return { vault, locked };
  }

  /** `endGrants` false at shutdown: the next start ends them (a daemon killed outright must too), as daemon_restarted. */
  lockAll(ctx: CallContext | null, endGrants = true): ResultOf<"vault.lockAll"> {
    const locked = this.keyring.lockAll();
    for (const vault of locked) this.records.record(ctx, { action: "lock", outcome: "ok", vault, detail: { all: true } });
    if (endGrants) for (const vault of locked) this.approvals?.vaultLocked(vault);
    return { locked };
  }

  status(): ResultOf<"vault.status"> {
    return { vaults: this.keyring.status() };
  }

  /**
   * vault.get: rate-limited per agent session, and audited with identical reads coalesced (see
   * AuditCoalescer): a repeat is answered only once a record counting it is written.
   */
  async get(p: ParamsOf<"vault.get">, ctx: CallContext): Promise<ResultOf<"vault.get">> {
    const wait = this.limiter.check(ctx);
    if (wait > 0) {
      const t0 = Date.now();
      await this.records.record(ctx, { ...readRecord(p, this.access.digests), outcome: "denied", kind: "rate_limited" }, true);
      const retryAfterMs = Math.max(1, wait - (Date.now() - t0)); // the refusal's own record may have been waited for
      throw new RpcError("rate_limited", `too many vault.get calls from this session; retry in ${retryAfterMs} ms`, { retryAfterMs });
    }
    const { vault, entry } = await readCoalesced(p, this.access, (fields) => this.records.record(ctx, fields, true), this.reader(p, ctx));
    return this.serve(vault, entry);
  }

  /**
   * A read answered at once, never coalesced nor limited: secrets a person injects at
   * sessions.launch (`presented`: the session's scopes). A person's: sessions.launch is not served
   * to agents, so nothing here can need approval.
   */
  getNow(p: ReadRequest, ctx: CallContext): ResultOf<"vault.get"> {
    if (ctx.restricted) throw new RpcError("denied", "secrets are injected at launch by a person only");
    const { vault, entry } = readNow(p, this.access, (fields) => void this.records.record(ctx, fields));
    return this.serve(vault, entry);
  }

  /** The credential scope is looked up at each check: one changed while a read waited is honoured. */
  private reader(p: ParamsOf<"vault.get">, ctx: CallContext): Reader {
    return {
      scope: () => readerScope(ctx, this.sessionScope),
      approve: (read) =>
        approveRead(
          this.approvals,
          read,
          p,
          ctx,
          () => this.records.process(ctx),
          this.mask,
          () => this.records.identity(ctx),
        ),
    };
  }

  /** Appends the record of something a person did elsewhere (a session's scope change), the peer observed as for every record. */
  note(ctx: CallContext, fields: AuditFields): void {
    this.records.record(ctx, fields);
  }

  private serve(vault: string, entry: EntryPlain): ResultOf<"vault.get"> {
    this.keyring.touch(vault); // only a successful read keeps a vault unlocked
    this.onServe(entry.value);
    return { vault, name: entry.name, value: entry.value };
  }

  /** Zeroizes every key and releases queued unlocks: part of shutdown. */
  dispose(): void {
    this.throttle.cancel();
    this.watcher?.close();
    this.watcher = null;
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    this.records.flush(); // repeats waiting for their record get it (and their answer) before the log closes
    this.lockAll(null, false);
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
    if (this.keyring.has(vault)) this.learn(vault, doc, path); // changed while unlocked: a value may be new
    return { doc, path };
  }
}
