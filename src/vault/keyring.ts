// Unlocked vault keys, held in libsodium secure memory (sodium_malloc: guard pages, mlock, no core
// dumps) and kept PROT_NONE except during the event-loop turn in which reads decrypt. Each key has an idle lifetime (extended
// by use) and a hard one (from unlock); one precise timer per key fires at the earlier deadline.
// Lock, eviction and shutdown zeroize the key and free it.
import { RpcError } from "../rpc/errors.js";
import { VAULT_KEYS_BYTES, deriveVaultKeys, wipe } from "./crypto.js";
import { sodium, type SecureBuffer } from "../platform/sodium.js";

export type EvictionReason = "idle" | "max" | "rekeyed";

interface Held {
  keys: SecureBuffer;
  /** Identifies the vault file's key generation (its check block): a rekey makes the key stale. */
  keyId: string;
  unlockedAt: number;
  lastUsed: number;
  idleMs: number;
  maxMs: number;
  timer: NodeJS.Timeout;
}

export interface UnlockedInfo {
  vault: string;
  unlockedAt: string;
  idleSecs: number;
  maxSecs: number;
  idleSecsRemaining: number;
  maxSecsRemaining: number;
}

/** setTimeout's ceiling (about 24.8 days); a longer lifetime just wakes once more and re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** For tests only: observe a key buffer after it is zeroized and before it is freed. */
export const keyringTestHooks: { beforeFree?: (keys: SecureBuffer) => void } = {};

export class Keyring {
  private readonly held = new Map<string, Held>();
  private readonly readable = new Set<SecureBuffer>();

  constructor(private readonly onEvict: (vault: string, reason: EvictionReason) => void) {}

  /**
   * Derives the subkeys from `master` straight into secure memory (and wipes `master`), checks
   * them with `verify`, and holds them, replacing a key already held. Null when they do not verify.
   */
  add(vault: string, master: Buffer, verify: (keys: Buffer) => boolean, keyId: string, idleMs: number, maxMs: number): UnlockedInfo | null {
    const s = sodium();
    const keys = s.sodium_malloc(VAULT_KEYS_BYTES);
    deriveVaultKeys(master, keys);
    wipe(master);
    if (!verify(keys)) {
      s.sodium_memzero(keys);
      s.sodium_free(keys);
      return null;
    }
    s.sodium_mprotect_noaccess(keys);
    this.lock(vault);
    const now = Date.now();
    const held: Held = { keys, keyId, unlockedAt: now, lastUsed: now, idleMs, maxMs, timer: undefined as unknown as NodeJS.Timeout };
    this.held.set(vault, held);
    this.schedule(vault, held);
    return this.info(vault, held, now);
  }

  has(vault: string): boolean {
    return this.held.has(vault);
  }

  /** Whether the key held for `vault` is of generation `keyId` (false when none is held). */
  holds(vault: string, keyId: string): boolean {
    return this.held.get(vault)?.keyId === keyId;
  }

  unlockedVaults(): string[] {
    return [...this.held.keys()];
  }

  /** A successful read: extends the idle lifetime (the hard maximum stays). */
  touch(vault: string): void {
    const held = this.held.get(vault);
    if (held) held.lastUsed = Date.now();
  }

  /**
   * Runs `fn` with the vault's keys readable; they are made inaccessible again once the event-loop
   * turn is over. Does not count as use: the caller `touch`es after a successful read. `vault_locked` when not held, expired, or of another key
   * generation than `keyId` (the file was rekeyed: the stale key is dropped).
   */
  use<T>(vault: string, keyId: string, fn: (keys: Buffer) => T): T {
    const held = this.held.get(vault);
    const now = Date.now();
    if (!held) throw new RpcError("vault_locked", `vault ${vault} is locked; unlock it with: warden vault unlock ${vault}`, { vault });
    if (this.deadline(held) <= now) {
      this.evict(vault, now - held.unlockedAt >= held.maxMs ? "max" : "idle");
      throw new RpcError("vault_locked", `vault ${vault} was locked after its lifetime ran out; unlock it again`, { vault });
    }
    if (held.keyId !== keyId) {
      this.evict(vault, "rekeyed");
      throw new RpcError("vault_locked", `vault ${vault} was rekeyed since it was unlocked; unlock it again`, { vault, reason: "rekeyed" });
    }
    if (!this.readable.has(held.keys)) {
      sodium().sodium_mprotect_readonly(held.keys);
      this.readable.add(held.keys);
      // After this turn's replies are written (they are flushed on setImmediate too), not before.
      if (this.readable.size === 1) setImmediate(() => setImmediate(() => this.protectAll()));
    }
    return fn(held.keys);
  }

  /**
   * Keys made readable for reads are made inaccessible again right after the event-loop turn that
   * read them: one mprotect pair serves every read of that turn (going back to PROT_NONE flushes
   * the TLB, the costliest step of a read), it happens off the reply's path, and no key stays
   * readable while the daemon waits for work (a pending setImmediate keeps the loop from blocking).
   */
  private protectAll(): void {
    for (const keys of this.readable) sodium().sodium_mprotect_noaccess(keys);
    this.readable.clear();
  }

  /** Zeroizes and frees the key; false when there was none. */
  lock(vault: string): boolean {
    const held = this.held.get(vault);
    if (!held) return false;
    this.held.delete(vault);
    clearTimeout(held.timer);
    this.readable.delete(held.keys);
    const s = sodium();
    s.sodium_mprotect_readwrite(held.keys);
    s.sodium_memzero(held.keys);
    keyringTestHooks.beforeFree?.(held.keys);
    s.sodium_free(held.keys);
    return true;
  }

  lockAll(): string[] {
    const vaults = this.unlockedVaults();
    for (const v of vaults) this.lock(v);
    return vaults;
  }

  status(): UnlockedInfo[] {
    const now = Date.now();
    return [...this.held].map(([vault, held]) => this.info(vault, held, now));
  }

  /** For tests only: the raw secure buffer, left inaccessible, so touching it must crash. */
  rawKeysForTest(vault: string): SecureBuffer | undefined {
    return this.held.get(vault)?.keys;
  }

  private deadline(held: Held): number {
    return Math.min(held.lastUsed + held.idleMs, held.unlockedAt + held.maxMs);
  }

  private schedule(vault: string, held: Held): void {
    held.timer = setTimeout(
      () => {
        const now = Date.now();
        if (this.held.get(vault) !== held) return;
        if (this.deadline(held) > now) return this.schedule(vault, held); // used since: idle extended
        this.evict(vault, now - held.unlockedAt >= held.maxMs ? "max" : "idle");
      },
      Math.min(MAX_TIMER_MS, Math.max(0, this.deadline(held) - Date.now())),
    );
    held.timer.unref();
  }

  private evict(vault: string, reason: EvictionReason): void {
    if (this.lock(vault)) this.onEvict(vault, reason);
  }

  private info(vault: string, held: Held, now: number): UnlockedInfo {
    const secs = (ms: number) => Math.max(0, Math.round(ms / 100) / 10);
    return {
      vault,
      unlockedAt: new Date(held.unlockedAt).toISOString(),
      idleSecs: held.idleMs / 1000,
      maxSecs: held.maxMs / 1000,
      idleSecsRemaining: secs(held.lastUsed + held.idleMs - now),
      maxSecsRemaining: secs(held.unlockedAt + held.maxMs - now),
    };
  }
}
