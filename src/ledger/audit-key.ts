// The host's audit signing key: private/<host>/audit-signing.key holds the raw 32-byte Ed25519
// seed (0600, host-local, never synced: another host holding it could forge this host's
// checkpoints). Loaded, or made on first start, straight into sodium secure memory, kept there
// (no access except while a checkpoint is signed) for the daemon's life and zeroized at close. The
// verifier key is published in the synced keys/<host>.audit.pub for other hosts and offline checks.
import { closeSync, fstatSync, fsyncSync, readSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { WardenError } from "../platform/errors.js";
import { openNoFollow, writeFileNoFollow } from "../platform/nofollow.js";
import type { WardenPaths } from "../platform/paths.js";
import { ensurePrivateDir } from "../platform/secure-dir.js";
import { sodium, type SecureBuffer } from "../platform/sodium.js";
import { formatVerifierKey, signNote } from "./signed-note.js";

const SEED_BYTES = 32;

export interface AuditSigner {
  /** `warden/<host>`: the key name and every checkpoint's origin. */
  readonly name: string;
  /** C2SP verifier key: what keys/<host>.audit.pub holds and audit_key records name. */
  readonly verifierKey: string;
  /** The signed note of `text`. */
  sign(text: string): string;
  /** Zeroizes and frees the secret key; sign() throws after. */
  close(): void;
}

/**
 * The verifier key of the signing key on disk, for doctor: null when there is none; throws
 * `unsafe_path` when the file is unsafe (as the daemon would refuse it). Never creates one.
 */
export function verifierKeyOf(paths: Pick<WardenPaths, "host" | "auditSigningKey">): string | null {
  const s = sodium();
  const seed = s.sodium_malloc(SEED_BYTES);
  const secretKey = s.sodium_malloc(64);
  try {
    if (!readSeed(paths.auditSigningKey, seed)) return null;
    const publicKey = Buffer.alloc(32);
    s.crypto_sign_seed_keypair(publicKey, secretKey, seed);
    return formatVerifierKey(`warden/${paths.host}`, publicKey);
  } finally {
    free(seed);
    free(secretKey);
  }
}

/**
 * The host's signer: the key file read (refused with `unsafe_path` unless a regular file of this
 * user, mode 0600, exactly 32 bytes; never followed through a symlink), or made when absent.
 * Rewrites keys/<host>.audit.pub when it does not hold this key.
 */
export function loadAuditSigner(paths: Pick<WardenPaths, "home" | "host" | "privateDir" | "auditSigningKey" | "auditPublicKey">): AuditSigner {
  ensurePrivateDir(dirname(paths.privateDir), { tighten: true });
  ensurePrivateDir(paths.privateDir, { tighten: true });
  const s = sodium();
  const seed = s.sodium_malloc(SEED_BYTES);
  const secretKey = s.sodium_malloc(64);
  const publicKey = Buffer.alloc(32);
  try {
    if (!readSeed(paths.auditSigningKey, seed)) {
      s.randombytes_buf(seed);
      writeSeed(paths.auditSigningKey, seed);
    }
    s.crypto_sign_seed_keypair(publicKey, secretKey, seed);
  } catch (err) {
    free(seed);
    free(secretKey);
    throw err;
  }
  free(seed);
  s.sodium_mprotect_noaccess(secretKey);
  const name = `warden/${paths.host}`;
  const verifierKey = formatVerifierKey(name, publicKey);
  publish(paths.auditPublicKey, `${verifierKey}\n`);
  let closed = false;
  return {
    name,
    verifierKey,
    sign(text) {
      if (closed) throw new Error("the audit signing key is closed");
      s.sodium_mprotect_readonly(secretKey);
      try {
        return signNote(text, name, secretKey);
      } finally {
        s.sodium_mprotect_noaccess(secretKey);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      free(secretKey);
    },
  };
}

function free(buf: SecureBuffer): void {
  const s = sodium();
  s.sodium_mprotect_readwrite(buf);
  s.sodium_memzero(buf);
  s.sodium_free(buf);
}

/** Fills `seed` from the key file; false when there is none. */
function readSeed(path: string, seed: SecureBuffer): boolean {
  let fd: number;
  try {
    fd = openNoFollow(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err; // a symlink: unsafe_path
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid!() || (st.mode & 0o077) !== 0) {
      throw new WardenError("unsafe_path", `refusing to start: ${path} must be a regular file of this user, mode 0600`, { path });
    }
    if (st.size !== SEED_BYTES || readSync(fd, seed, 0, SEED_BYTES, 0) !== SEED_BYTES) {
      throw new WardenError("unsafe_path", `refusing to start: ${path} is not a ${SEED_BYTES}-byte Ed25519 seed`, { path });
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Written whole or not at all: a temporary file (0600, fsynced) renamed into place, and the directory synced. */
function writeSeed(path: string, seed: SecureBuffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openNoFollow(tmp, "wx");
  try {
    writeSync(fd, seed, 0, SEED_BYTES);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
}

function publish(path: string, text: string): void {
  ensurePrivateDir(dirname(path), { tighten: false });
  if (readPublished(path) === text) return;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileNoFollow(tmp, text, 0o644);
  renameSync(tmp, path);
}

/** keys/<host>.audit.pub's text, or null when it is absent or unreadable. */
export function readPublished(path: string): string | null {
  try {
    const fd = openNoFollow(path, "r");
    try {
      const buf = Buffer.alloc(512);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

function syncDir(dir: string): void {
  const fd = openNoFollow(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
