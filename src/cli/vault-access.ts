// Opening a vault from the CLI with a passphrase: the mutations, `vault list`, and direct-mode
// reads when no daemon is running. Loaded only by those commands (it pulls in libsodium and zod).
import { loadConfig, type Config } from "../platform/config.js";
import { refuseCoreDumps } from "../platform/native.js";
import { resolvePaths, type WardenPaths } from "../platform/paths.js";
import { ensureHome } from "../platform/secure-dir.js";
import { WardenError } from "../platform/errors.js";
import { wipe, type KdfProfile } from "../vault/crypto.js";
import { keysFromPassphrase, readVaultFile, vaultPath, withVaultWriteLock, writeVaultFile, type VaultDoc } from "../vault/store.js";
import { readPassphrase } from "./secret-input.js";

export interface OpenVault {
  paths: WardenPaths;
  config: Config;
  vault: string;
  path: string;
  doc: VaultDoc;
  keys: Buffer;
}

/**
 * Paths and config for a command that will handle passphrases or secret values. It makes the
 * process non-dumpable unless told not to: a command about to make an audited call to the daemon
 * hardens after it, because the daemon cannot read a non-dumpable peer's /proc/<pid>/exe.
 */
export function cliContext(harden = true): { paths: WardenPaths; config: Config } {
  if (harden) refuseCoreDumps();
  const paths = resolvePaths();
  ensureHome(paths);
  return { paths, config: loadConfig(paths.config) };
}

/** Reads the vault and derives its keys from a passphrase (prompt, stdin or file). */
export async function openVault(vault: string, fromStdin: boolean): Promise<OpenVault> {
  const { paths, config } = cliContext();
  const path = vaultPath(paths.home, vault);
  const doc = readVaultFile(path, vault);
  const passphrase = await readPassphrase({ fromStdin, label: `passphrase for vault ${vault}` });
  try {
    return { paths, config, vault, path, doc, keys: await keysFromPassphrase(doc, passphrase, path) };
  } finally {
    wipe(passphrase);
  }
}

/**
 * A read-modify-write of one vault: the passphrase is asked first, then, holding the vault's
 * write lock, the file is read, the keys checked, `change` applied and the result written
 * atomically. `change` may throw (an entry exists, or is missing) and nothing is written.
 */
export async function changeVault<T>(
  vault: string,
  fromStdin: boolean,
  change: (doc: VaultDoc, keys: Buffer, path: string) => Promise<{ doc: VaultDoc; result: T }> | { doc: VaultDoc; result: T },
): Promise<T> {
  const { paths } = cliContext();
  const path = vaultPath(paths.home, vault);
  readVaultFile(path, vault); // fail on a missing or damaged vault before asking for anything
  const passphrase = await readPassphrase({ fromStdin, label: `passphrase for vault ${vault}` });
  try {
    return await withVaultWriteLock(paths, vault, async () => {
      const doc = readVaultFile(path, vault);
      const keys = await keysFromPassphrase(doc, passphrase, path);
      try {
        const out = await change(doc, keys, path);
        writeVaultFile(path, out.doc);
        return out.result;
      } finally {
        wipe(keys);
      }
    });
  } finally {
    wipe(passphrase);
  }
}

/** --kdf, or config vault.kdf: one of the three libsodium Argon2id cost profiles. */
export function kdfProfile(option: string | undefined, config: Config): KdfProfile {
  const profile = option ?? config.vault.kdf;
  if (profile !== "interactive" && profile !== "moderate" && profile !== "sensitive") {
    throw new WardenError("usage", `--kdf ${JSON.stringify(profile)}: expected interactive, moderate or sensitive`, { option: "--kdf" });
  }
  return profile;
}

// Everything the vault commands use, behind one dynamic import: `warden health` must not load
// libsodium and zod just because the vault commands are registered.
export { ensurePrivateDir } from "../platform/secure-dir.js";
export { wipe } from "../vault/crypto.js";
export {
  findEntry,
  listEntries,
  listVaults,
  newVault,
  putEntry,
  readVaultFile,
  rekeyVault,
  removeEntry,
  vaultExists,
  vaultPath,
  withVaultWriteLock,
  writeVaultFile,
} from "../vault/store.js";
export type { EntryPlain } from "../vault/store.js";
export { readPassphrase, readSecretValue } from "./secret-input.js";
