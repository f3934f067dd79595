// The slice of libsodium (sodium-native) the vault uses, typed here: the published @types target
// an older major. Loaded through createRequire because sodium-native is CommonJS.
import { createRequire } from "node:module";

export interface SecureBuffer extends Buffer {
  readonly secure: true;
}

export interface Sodium {
  crypto_pwhash_ALG_ARGON2ID13: number;
  crypto_pwhash_SALTBYTES: number;
  crypto_pwhash_OPSLIMIT_INTERACTIVE: number;
  crypto_pwhash_MEMLIMIT_INTERACTIVE: number;
  crypto_pwhash_OPSLIMIT_MODERATE: number;
  crypto_pwhash_MEMLIMIT_MODERATE: number;
  crypto_pwhash_OPSLIMIT_SENSITIVE: number;
  crypto_pwhash_MEMLIMIT_SENSITIVE: number;
  crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number;
  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
  crypto_aead_xchacha20poly1305_ietf_ABYTES: number;
  crypto_kdf_KEYBYTES: number;
  crypto_kdf_CONTEXTBYTES: number;
  crypto_generichash_BYTES: number;

  crypto_pwhash(out: Buffer, passwd: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): void;
  crypto_pwhash_async(out: Buffer, passwd: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): Promise<void>;
  crypto_kdf_derive_from_key(subkey: Buffer, subkeyId: number, ctx: Buffer, key: Buffer): void;
  crypto_generichash(out: Buffer, input: Buffer, key?: Buffer): void;
  crypto_aead_xchacha20poly1305_ietf_encrypt(c: Buffer, m: Buffer, ad: Buffer | null, nsec: null, npub: Buffer, k: Buffer): number;
  /** Throws when the ciphertext, the additional data or the key does not verify. */
  crypto_aead_xchacha20poly1305_ietf_decrypt(m: Buffer, nsec: null, c: Buffer, ad: Buffer | null, npub: Buffer, k: Buffer): number;
  /** Ed25519 (RFC 8032): a key pair from a 32-byte seed; the secret key is the seed and the public key (64 bytes). */
  crypto_sign_seed_keypair(pk: Buffer, sk: Buffer, seed: Buffer): void;
  crypto_sign_detached(sig: Buffer, m: Buffer, sk: Buffer): void;
  crypto_sign_verify_detached(sig: Buffer, m: Buffer, pk: Buffer): boolean;
  crypto_hash_sha256(out: Buffer, input: Buffer): void;
  randombytes_buf(buf: Buffer): void;
  sodium_memzero(buf: Buffer): void;
  sodium_memcmp(a: Buffer, b: Buffer): boolean;
  sodium_malloc(size: number): SecureBuffer;
  sodium_free(buf: SecureBuffer): void;
  sodium_mprotect_noaccess(buf: SecureBuffer): void;
  sodium_mprotect_readonly(buf: SecureBuffer): void;
  sodium_mprotect_readwrite(buf: SecureBuffer): void;
}

let lib: Sodium | undefined;

export function sodium(): Sodium {
  return (lib ??= createRequire(import.meta.url)("sodium-native") as Sodium);
}
