// Vault operations on files: create, open with a key, read, change, rekey. Shared by the CLI's
// mutations and direct reads and by the daemon's reads, so there is one implementation of the
// format. Mutations hold a per-vault flock in the run root for their read-modify-write.
import { closeSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { VAULT_NAME_PATTERN } from "../../protocol/patterns.js";
import { RpcError } from "../rpc/errors.js";
import { WardenError } from "../platform/errors.js";
import { native } from "../platform/native.js";
import type { WardenPaths } from "../platform/paths.js";
import { ensureRunRoot } from "../platform/secure-dir.js";
import { openNoFollow } from "../platform/nofollow.js";
import { VAULT_KEYS_BYTES, deriveMasterKey, deriveVaultKeys, kdfParams, nameId, wipe, type KdfProfile } from "./crypto.js";
import { FORMAT, VERSION, keysMatch, newCheck, openEntry, readVaultFile, sealEntry, writeVaultFile, type EntryPlain, type VaultDoc } from "./format.js";

export function vaultPath(home: string, vault: string): string {
  if (!VAULT_NAME_PATTERN.test(vault)) throw new WardenError("usage", `invalid vault name ${JSON.stringify(vault)}: use letters, digits, . _ - (up to 64)`);
  return join(home, "vaults", `${vault}.vault`);
}

export function vaultExists(home: string, vault: string): boolean {
  return existsSync(vaultPath(home, vault));
}

/** Names of the vaults under $WARDEN_HOME/vaults, sorted. */
export function listVaults(home: string): string[] {
  try {
    return readdirSync(join(home, "vaults"))
      .filter((f) => f.endsWith(".vault") && VAULT_NAME_PATTERN.test(f.slice(0, -6)))
      .map((f) => f.slice(0, -6))
      .sort();
  } catch {
    return [];
  }
}

/** Derives the vault keys from a passphrase and checks them against the file: `bad_passphrase` if wrong. */
export async function keysFromPassphrase(doc: VaultDoc, passphrase: Buffer, path: string): Promise<Buffer> {
  const master = await deriveMasterKey(passphrase, doc.kdf);
  try {
    return keysFromMaster(doc, master, path);
  } finally {
    wipe(master);
  }
}

export function keysFromMaster(doc: VaultDoc, master: Buffer, path: string): Buffer {
  const keys = Buffer.alloc(VAULT_KEYS_BYTES);
  deriveVaultKeys(master, keys);
  if (!keysMatch(doc, keys)) {
    wipe(keys);
    throw new RpcError("bad_passphrase", `wrong passphrase for ${path}`, { path });
  }
  return keys;
}

export function findEntry(doc: VaultDoc, keys: Buffer, name: string, path: string): EntryPlain | null {
  const id = nameId(keys, name);
  const sealed = doc.entries.find((e) => e.id === id);
  return sealed ? openEntry(keys, sealed, path) : null;
}

export function listEntries(doc: VaultDoc, keys: Buffer, path: string): EntryPlain[] {
  return doc.entries.map((e) => openEntry(keys, e, path)).sort((a, b) => a.name.localeCompare(b.name));
}

/** A new document with `entry` added or replaced (by name). */
export function putEntry(doc: VaultDoc, keys: Buffer, entry: EntryPlain): VaultDoc {
  const id = nameId(keys, entry.name);
  const others = doc.entries.filter((e) => e.id !== id);
  return { ...doc, entries: [...others, sealEntry(keys, id, entry)] };
}

export function removeEntry(doc: VaultDoc, keys: Buffer, name: string): VaultDoc {
  const id = nameId(keys, name);
  return { ...doc, entries: doc.entries.filter((e) => e.id !== id) };
}

/** A fresh, empty vault document sealed under a new salt; returns it with its keys. */
export async function newVault(passphrase: Buffer, profile: KdfProfile): Promise<{ doc: VaultDoc; keys: Buffer }> {
  const kdf = kdfParams(profile);
  const master = await deriveMasterKey(passphrase, kdf);
  const keys = Buffer.alloc(VAULT_KEYS_BYTES);
  deriveVaultKeys(master, keys);
  wipe(master);
  return { doc: { format: FORMAT, version: VERSION, kdf, check: newCheck(keys, kdf), entries: [] }, keys };
}

/** Re-seals every entry of `doc` under a new passphrase (new salt, new keys). */
export async function rekeyVault(doc: VaultDoc, keys: Buffer, path: string, passphrase: Buffer, profile: KdfProfile): Promise<{ doc: VaultDoc; keys: Buffer }> {
  const entries = listEntries(doc, keys, path);
  let next = await newVault(passphrase, profile);
  for (const e of entries) next = { doc: putEntry(next.doc, next.keys, e), keys: next.keys };
  return next;
}

/**
 * Runs a read-modify-write of one vault while holding its flock (in the run root, so it never
 * syncs), so two concurrent `warden vault add` calls cannot lose each other's entry.
 */
export async function withVaultWriteLock<T>(paths: WardenPaths, vault: string, fn: () => Promise<T>): Promise<T> {
  ensureRunRoot(paths);
  const fd = openNoFollow(join(paths.runRoot, `vault-${vault}.lock`), "a");
  try {
    const deadline = Date.now() + 10_000;
    while (!native().tryFlock(fd, true)) {
      if (Date.now() > deadline) throw new WardenError("timeout", `another warden command is changing vault ${vault}; try again`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return await fn();
  } finally {
    closeSync(fd); // releases the flock
  }
}

export { readVaultFile, writeVaultFile };
export type { EntryPlain, VaultDoc };
