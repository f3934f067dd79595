// What an offline verifier reads beside a host's audit log: its signed checkpoints
// (audit/<host>.checkpoints, one {"note": ...} per line), its published verifier key
// (keys/<host>.audit.pub), the key epochs named by its `audit_key` records, and, on the host that
// owns the log, the signing key itself (private/<host>/audit-signing.key).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { forEachRawLine } from "./audit-tree.js";
import { type Checkpoint, openNote, parseCheckpoint, parseVerifierKey, signerFromSeed, type VerifierKey } from "./signed-note.js";

export const auditOrigin = (host: string) => `warden/${host}`;

export function auditFilesOf(home: string, host: string) {
  return {
    log: join(home, "audit", `${host}.jsonl`),
    checkpoints: join(home, "audit", `${host}.checkpoints`),
    publicKey: join(home, "keys", `${host}.audit.pub`),
    signingKey: join(home, "private", host, "audit-signing.key"),
  };
}

/** One line of the checkpoints file: its note, or null when the line is not `{"note": "<text>"}`. */
export interface CheckpointLine {
  line: number;
  note: string | null;
}

/** Every line of the checkpoints file, in order (a missing file has none). */
export function readCheckpointLines(path: string): CheckpointLine[] {
  const out: CheckpointLine[] = [];
  forEachRawLine(path, (bytes, index) => void out.push({ line: index + 1, note: noteOf(bytes) }));
  return out;
}

/** The last line of the checkpoints file, or null when there is none. */
export function lastCheckpointLine(path: string): CheckpointLine | null {
  let last: CheckpointLine | null = null;
  forEachRawLine(path, (bytes, index) => void (last = { line: index + 1, note: noteOf(bytes) }));
  return last;
}

function noteOf(bytes: Buffer): string | null {
  try {
    const note = (JSON.parse(bytes.toString("utf8")) as { note?: unknown }).note;
    return typeof note === "string" ? note : null;
  } catch {
    return null;
  }
}

export type NoteProblem = { problem: "malformed" | "origin"; reason: string };

/** A checkpoint note's fields and the key id of its `warden/<host>` signature, unverified; what is wrong when it is not one. */
export function readCheckpointNote(note: string | null, host: string): { checkpoint: Checkpoint; keyId: string } | NoteProblem {
  const opened = note === null ? null : openNote(note, []);
  const checkpoint = opened && parseCheckpoint(opened.text);
  if (!opened || !checkpoint) return { problem: "malformed", reason: note === null ? 'not a {"note": ...} line' : "not a signed checkpoint note" };
  if (checkpoint.origin !== auditOrigin(host)) {
    return { problem: "origin", reason: `origin ${JSON.stringify(checkpoint.origin)} where ${JSON.stringify(auditOrigin(host))} was expected` };
  }
  const sig = opened.signatures.find((s) => s.name === auditOrigin(host));
  if (!sig) return { problem: "malformed", reason: `no signature by ${auditOrigin(host)}` };
  return { checkpoint, keyId: sig.keyId.toString("hex") };
}

/** Whether the note carries a valid signature by `key` (under the key's own name). */
export function signedBy(note: string, key: VerifierKey): boolean {
  return openNote(note, [key])?.signatures.some((s) => s.name === key.name && s.keyId.equals(key.keyId) && s.verified) ?? false;
}

/** A key epoch: from record `seq` on, checkpoints are signed by `key`. */
export interface KeyEpoch {
  seq: number;
  key: string;
  reason: "first_key" | "key_lost";
}

/**
 * The epoch an `audit_key` record opens, checked against the one before it (its `previous` must
 * name that key; only the first may be `first_key`); a reason string when it does not hold.
 */
export function epochOf(record: { seq: number; detail?: Record<string, unknown> }, host: string, before: KeyEpoch | undefined): KeyEpoch | string {
  const { key, previous, reason } = record.detail ?? {};
  const parsed = typeof key === "string" ? parseVerifierKey(key) : null;
  if (!parsed || parsed.name !== auditOrigin(host)) return `audit_key record names no ${auditOrigin(host)} verifier key`;
  if ((previous ?? null) !== (before?.key ?? null)) return `audit_key record's previous key is not the key of the epoch before it`;
  if (reason !== (before ? "key_lost" : "first_key"))
    return `audit_key record's reason ${JSON.stringify(reason)} where ${before ? "key_lost" : "first_key"} was expected`;
  if (key === before?.key) return "audit_key record names the key already in force";
  return { seq: record.seq, key: key as string, reason: reason as KeyEpoch["reason"] };
}

/** The epoch in force for a checkpoint of `size` records: the last opened among the first `size` records. */
export function epochAt(epochs: readonly KeyEpoch[], size: number): KeyEpoch | undefined {
  let found: KeyEpoch | undefined;
  for (const e of epochs) if (e.seq <= size) found = e;
  return found;
}

/** keys/<host>.audit.pub, trimmed; null when absent. */
export function readPublishedKey(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8").trim() : null;
}

/** The verifier key of the signing key this host holds for `host`; null when it holds none; "unreadable" when it cannot be read. */
export function heldSigningKey(path: string, host: string): string | null | "unreadable" {
  if (!existsSync(path)) return null;
  try {
    const seed = readFileSync(path);
    return seed.length === 32 ? signerFromSeed(auditOrigin(host), seed).verifierKey : "unreadable";
  } catch {
    return "unreadable";
  }
}
