// Fingerprints of what a push sends, so a re-push of unchanged data writes nothing.
//
// A session's events fingerprint is a sha256 chain over its events' (seq, ts, kind, data-or-pointer,
// mask version) in seq order; the hash state can be copied at any seq, so the prefix up to the seq
// PostgreSQL last received is compared with what PostgreSQL stored: equal means the session was
// only appended to since. The session fingerprint covers the session's own fields and the events
// fingerprint: equal to PostgreSQL's means nothing to send at all.
//
// An event whose line lives only in its source file (data NULL in the projection) is hashed by its
// pointer (byte offset and length in the append-only ledger), so hashing never reads those files.
import { createHash, type Hash } from "node:crypto";
import type { StoredEvent, StoredSession } from "../../projection/rows.js";

/** Bumped when what a push sends for the same projection rows changes: every session is re-sent once (unchanged rows still write nothing). */
export const FINGERPRINT_FORMAT = "warden-push/1";

const field = (s: string): string => `${s.length}:${s}`;

export function eventsHasher(): Hash {
  return createHash("sha256").update(FINGERPRINT_FORMAT + "\n");
}

export function hashEvent(h: Hash, e: StoredEvent): void {
  h.update(`${e.seq}|${field(e.ts)}${field(e.kind)}${e.mask_version}|`);
  h.update(e.data !== null ? "d" + field(e.data) : `p${e.src_offset}:${e.src_length}`);
  h.update("\n");
}

/** The digest of a hash state, leaving the state usable. */
export const peek = (h: Hash): string => h.copy().digest("hex");

export function sessionFingerprint(s: StoredSession, eventsFingerprint: string): string {
  const fields = [s.kind, s.title, s.state, s.created_at, s.updated_at, s.last_seq, s.meta, s.archived, s.info, s.source, s.source_missing];
  return createHash("sha256")
    .update(FINGERPRINT_FORMAT + "\n")
    .update(JSON.stringify(fields) + "\n")
    .update(eventsFingerprint)
    .digest("hex");
}

/**
 * What, of a session's state, tells a watch loop that it changed: `rev` (bumped by every write to
 * the session or its events) and, belt and braces, the fields an append always moves.
 */
export const changeToken = (s: StoredSession): string => `${s.rev}|${s.last_seq}|${s.updated_at}|${s.state}|${s.archived}|${s.source_missing}`;
