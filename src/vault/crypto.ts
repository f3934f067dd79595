// Vault cryptography. A passphrase becomes a 32-byte master key through Argon2id (parameters kept
// in the file); two subkeys are derived from it with crypto_kdf: one seals entries with
// XChaCha20-Poly1305, the other hashes entry names (keyed BLAKE2b), so a vault file reveals
// neither names nor values, and a read decrypts exactly one entry.
import { WardenError } from "../platform/errors.js";
import { sodium } from "../platform/sodium.js";

export type KdfProfile = "interactive" | "moderate" | "sensitive";

export interface KdfParams {
  alg: "argon2id13";
  opslimit: number;
  memlimit: number;
  /** base64 */
  salt: string;
}

export const MASTER_KEY_BYTES = 32;
/** Both subkeys, back to back: [entry key | name key]. This is what the daemon keeps. */
export const VAULT_KEYS_BYTES = 64;
const CONTEXT = Buffer.from("wardenv1"); // crypto_kdf context: exactly 8 bytes

export function kdfParams(profile: KdfProfile): KdfParams {
  const s = sodium();
  const salt = Buffer.alloc(s.crypto_pwhash_SALTBYTES);
  s.randombytes_buf(salt);
  const limits = {
    interactive: [s.crypto_pwhash_OPSLIMIT_INTERACTIVE, s.crypto_pwhash_MEMLIMIT_INTERACTIVE],
    moderate: [s.crypto_pwhash_OPSLIMIT_MODERATE, s.crypto_pwhash_MEMLIMIT_MODERATE],
    sensitive: [s.crypto_pwhash_OPSLIMIT_SENSITIVE, s.crypto_pwhash_MEMLIMIT_SENSITIVE],
  }[profile];
  return { alg: "argon2id13", opslimit: limits[0]!, memlimit: limits[1]!, salt: salt.toString("base64") };
}

/** Argon2id in libuv's thread pool: never on an event loop that serves anything. */
export async function deriveMasterKey(passphrase: Buffer, kdf: KdfParams): Promise<Buffer> {
  const s = sodium();
  const out = Buffer.alloc(MASTER_KEY_BYTES);
  await s.crypto_pwhash_async(out, passphrase, Buffer.from(kdf.salt, "base64"), kdf.opslimit, kdf.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  return out;
}

/** Derives both subkeys from the master key into `into` (64 bytes, typically secure memory). */
export function deriveVaultKeys(master: Buffer, into: Buffer): void {
  if (master.length !== MASTER_KEY_BYTES) throw new WardenError("usage", `a vault key is ${MASTER_KEY_BYTES} bytes`);
  const s = sodium();
  s.crypto_kdf_derive_from_key(into.subarray(0, 32), 1, CONTEXT, master);
  s.crypto_kdf_derive_from_key(into.subarray(32, 64), 2, CONTEXT, master);
}

export const entryKey = (keys: Buffer): Buffer => keys.subarray(0, 32);
export const nameKey = (keys: Buffer): Buffer => keys.subarray(32, 64);

/** The stored form of an entry name: keyed BLAKE2b-256, base64url. */
export function nameId(keys: Buffer, name: string): string {
  const out = Buffer.alloc(32);
  sodium().crypto_generichash(out, Buffer.from(name, "utf8"), nameKey(keys));
  return out.toString("base64url");
}

export interface Sealed {
  nonce: string;
  ct: string;
}

export function seal(keys: Buffer, plaintext: Buffer, ad: Buffer): Sealed {
  const s = sodium();
  const nonce = Buffer.alloc(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  s.randombytes_buf(nonce);
  const ct = Buffer.alloc(plaintext.length + s.crypto_aead_xchacha20poly1305_ietf_ABYTES);
  s.crypto_aead_xchacha20poly1305_ietf_encrypt(ct, plaintext, ad, null, nonce, entryKey(keys));
  return { nonce: nonce.toString("base64"), ct: ct.toString("base64") };
}

/** The plaintext, or null when the key, the ciphertext or the additional data does not verify. */
export function unseal(keys: Buffer, sealed: Sealed, ad: Buffer): Buffer | null {
  const s = sodium();
  const ct = Buffer.from(sealed.ct, "base64");
  const nonce = Buffer.from(sealed.nonce, "base64");
  if (ct.length < s.crypto_aead_xchacha20poly1305_ietf_ABYTES || nonce.length !== s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) return null;
  const m = Buffer.alloc(ct.length - s.crypto_aead_xchacha20poly1305_ietf_ABYTES);
  try {
    s.crypto_aead_xchacha20poly1305_ietf_decrypt(m, null, ct, ad, nonce, entryKey(keys));
    return m;
  } catch {
    return null;
  }
}

/** Unkeyed BLAKE2b-256 (hex): detects a damaged or hand-edited file before any key is tried. */
export function checksum(data: string): string {
  const out = Buffer.alloc(32);
  sodium().crypto_generichash(out, Buffer.from(data, "utf8"));
  return out.toString("hex");
}

export function wipe(buf: Buffer): void {
  sodium().sodium_memzero(buf);
}
