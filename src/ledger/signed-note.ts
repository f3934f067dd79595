// C2SP signed notes (the golang.org/x/mod/sumdb/note format) with Ed25519 keys, and the
// tlog-checkpoint body they sign: the form in which the audit log's tree heads will be published
// (issue 14), readable by any transparency-log verifier or witness.
//
//   note      = text (lines, ending in "\n") + "\n" + one line per signature
//   signature = "— " + key name + " " + base64(key id (4 bytes) || Ed25519 signature of the text)
//   key id    = SHA-256(name + "\n" + 0x01 + public key)[0:4]      (0x01: the Ed25519 key type)
//   verifier  = name + "+" + hex(key id) + "+" + base64(0x01 || public key)
//   checkpoint text = origin + "\n" + tree size + "\n" + base64(root hash) + "\n" (+ extension lines)
import { createHash } from "node:crypto";
import { sodium } from "../platform/sodium.js";

const ED25519 = 0x01;
const SIG_PREFIX = "\u2014 "; // an em dash and a space
/** A key name: no spaces, no '+', no line breaks (the formats split on them). */
const NAME = /^[^\s+]+$/;

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

export interface NoteSignature {
  name: string;
  keyId: Buffer;
  /** False when no verifier was given for this name and key id, or the signature does not verify. */
  verified: boolean;
}

export function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash("sha256").update(`${name}\n`).update(Buffer.of(ED25519)).update(publicKey).digest().subarray(0, 4);
}

/** An Ed25519 key pair from a 32-byte seed: `secretKey` (64 bytes) signs, the verifier key string is what others check with. */
export function signerFromSeed(name: string, seed: Buffer): { name: string; secretKey: Buffer; verifierKey: string } {
  if (!NAME.test(name)) throw new RangeError(`not a key name: ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
  const publicKey = Buffer.alloc(32);
  const secretKey = Buffer.alloc(64);
  sodium().crypto_sign_seed_keypair(publicKey, secretKey, seed);
  return { name, secretKey, verifierKey: formatVerifierKey(name, publicKey) };
}

export function formatVerifierKey(name: string, publicKey: Buffer): string {
  return `${name}+${keyId(name, publicKey).toString("hex")}+${Buffer.concat([Buffer.of(ED25519), publicKey]).toString("base64")}`;
}

/** Parses `name+keyid+key`; null for anything else (another key type, a wrong id, bad encoding). */
export function parseVerifierKey(s: string): VerifierKey | null {
  const m = /^([^\s+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(s);
  if (!m) return null;
  const key = Buffer.from(m[3]!, "base64");
  if (key.length !== 33 || key[0] !== ED25519 || key.toString("base64") !== m[3]) return null;
  const publicKey = key.subarray(1);
  const id = keyId(m[1]!, publicKey);
  return id.toString("hex") === m[2] ? { name: m[1]!, keyId: id, publicKey } : null;
}

/** The note: `text` signed with the secret key (64 bytes) of `name`. */
export function signNote(text: string, name: string, secretKey: Buffer): string {
  checkText(text);
  const sig = Buffer.alloc(64);
  sodium().crypto_sign_detached(sig, Buffer.from(text, "utf8"), secretKey);
  const publicKey = secretKey.subarray(32);
  return `${text}\n${SIG_PREFIX}${name} ${Buffer.concat([keyId(name, publicKey), sig]).toString("base64")}\n`;
}

/** The text of a note and its signatures, each checked against the verifier of its name and key id; null when it is not a note. */
export function openNote(note: string, verifiers: readonly VerifierKey[]): { text: string; signatures: NoteSignature[] } | null {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) return null;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  if (text.length === 0 || lines.length === 0) return null;
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const m = new RegExp(`^${SIG_PREFIX}([^\\s+]+) ([A-Za-z0-9+/]+=*)$`).exec(line);
    if (!m) return null;
    const blob = Buffer.from(m[2]!, "base64");
    if (blob.length < 5) return null;
    const id = blob.subarray(0, 4);
    const v = verifiers.find((k) => k.name === m[1] && k.keyId.equals(id));
    const verified = v !== undefined && blob.length === 68 && sodium().crypto_sign_verify_detached(blob.subarray(4), Buffer.from(text, "utf8"), v.publicKey);
    signatures.push({ name: m[1]!, keyId: id, verified });
  }
  return { text, signatures };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** Lines after the root, if any (C2SP tlog-checkpoint extensions). */
  extensions: string[];
}

export function checkpointText(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString("base64")}\n${c.extensions.map((e) => `${e}\n`).join("")}`;
}

/** A checkpoint's fields from a note's text; null when it is not one. */
export function parseCheckpoint(text: string): Checkpoint | null {
  if (!text.endsWith("\n")) return null;
  const [origin, size, root, ...extensions] = text.slice(0, -1).split("\n");
  if (!origin || !size || !root || !/^(0|[1-9][0-9]{0,15})$/.test(size)) return null;
  const hash = Buffer.from(root, "base64");
  if (hash.length !== 32 || hash.toString("base64") !== root || extensions.some((e) => e === "")) return null;
  return { origin, size: Number(size), root: hash, extensions };
}

function checkText(text: string): void {
  if (text.length === 0 || !text.endsWith("\n") || text.includes("\n\n")) throw new RangeError("a note's text is lines, each ending in a newline, none empty");
}
