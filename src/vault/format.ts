// The vault file (format warden.vault, version 1): JSON, so it diffs and syncs sanely, holding only
// KDF parameters, a check block and sealed entries keyed by name hash. A checksum over the body
// tells a damaged or edited file (`vault_corrupt`) from a wrong passphrase (`bad_passphrase`).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { openNoFollow } from "../platform/nofollow.js";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { RpcError } from "../rpc/errors.js";
import { checksum, seal, unseal, type KdfParams, type Sealed } from "./crypto.js";

export const FORMAT = "warden.vault";
export const VERSION = 1;

const b64 = z.string().regex(/^[A-Za-z0-9+/=_-]*$/);
const sealed = z.strictObject({ nonce: b64, ct: b64 });

const fileSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  kdf: z.strictObject({
    alg: z.literal("argon2id13"),
    opslimit: z.number().int().min(1).max(64),
    memlimit: z
      .number()
      .int()
      .min(8192)
      .max(4 * 1024 ** 3),
    salt: b64,
  }),
  check: sealed,
  entries: z.array(z.strictObject({ id: b64, nonce: b64, ct: b64 })),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
});

export type VaultDoc = Omit<z.output<typeof fileSchema>, "checksum">;
export type SealedEntry = VaultDoc["entries"][number];

/** What one entry decrypts to. The value never leaves this shape except to its reader. */
export interface EntryPlain {
  name: string;
  value: string;
  scopes: string[];
  description: string;
  /** When a session's agent needs a person's approval to read it (policy.ts); absent: outside-scope. */
  approval?: "always" | "outside-scope" | "never";
  createdAt: string;
  updatedAt: string;
}

const CHECK_PLAINTEXT = Buffer.from("warden.vault check v1");

function body(doc: VaultDoc): string {
  return JSON.stringify({ format: doc.format, version: doc.version, kdf: doc.kdf, check: doc.check, entries: doc.entries });
}

export function corrupt(path: string, why: string): RpcError {
  return new RpcError("vault_corrupt", `${path} is damaged or was modified (${why}); nothing was changed`, { path });
}

/** Reads and structurally verifies a vault file. Throws `not_found` or `vault_corrupt`. */
export function readVaultFile(path: string, vault: string): VaultDoc {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new RpcError("not_found", `no vault named ${JSON.stringify(vault)} (${path})`, { vault });
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(path, "not valid JSON");
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(path, `unexpected structure at ${parsed.error.issues[0]?.path.join(".") || "top level"}`);
  const { checksum: sum, ...doc } = parsed.data;
  if (checksum(body(doc)) !== sum) throw corrupt(path, "checksum mismatch");
  return doc;
}

/** Atomic replace: temp file (0600, O_EXCL) in the same directory, fsync, rename, fsync the directory. */
export function writeVaultFile(path: string, doc: VaultDoc): void {
  const text = JSON.stringify({ ...doc, checksum: checksum(body(doc)) }, null, 1) + "\n";
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openNoFollow(tmp, "wx"); // O_EXCL|O_NOFOLLOW: never through a planted link; rename replaces a link at `path` itself
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

const checkAd = (doc: Pick<VaultDoc, "kdf">) => Buffer.from(`${FORMAT}/${VERSION}/check/${JSON.stringify(doc.kdf)}`);
const entryAd = (id: string) => Buffer.from(`${FORMAT}/${VERSION}/entry/${id}`);

export function newCheck(keys: Buffer, kdf: KdfParams): Sealed {
  return seal(keys, CHECK_PLAINTEXT, checkAd({ kdf }));
}

/** Whether `keys` open this vault. The check block's AD binds the KDF parameters too. */
export function keysMatch(doc: VaultDoc, keys: Buffer): boolean {
  const plain = unseal(keys, doc.check, checkAd(doc));
  return plain?.equals(CHECK_PLAINTEXT) ?? false;
}

export function sealEntry(keys: Buffer, id: string, entry: EntryPlain): SealedEntry {
  const plain = Buffer.from(JSON.stringify(entry), "utf8");
  const out = { id, ...seal(keys, plain, entryAd(id)) };
  plain.fill(0);
  return out;
}

/** Decrypts one entry; an entry that fails authentication under a verified key is corruption. */
export function openEntry(keys: Buffer, sealedEntry: SealedEntry, path: string): EntryPlain {
  const plain = unseal(keys, sealedEntry, entryAd(sealedEntry.id));
  if (!plain) throw corrupt(path, `entry ${sealedEntry.id.slice(0, 8)}… fails authentication`);
  try {
    return JSON.parse(plain.toString("utf8")) as EntryPlain;
  } catch {
    throw corrupt(path, `entry ${sealedEntry.id.slice(0, 8)}… is not valid JSON`);
  } finally {
    plain.fill(0);
  }
}
