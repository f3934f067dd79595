// approvals/<host>.jsonl: one record per change to the approvals this daemon holds (a request, a
// decision, an expiry, a grant's end), each `{seq, ts, type, ...}` with seq from 1. The daemon is
// its one writer (it holds daemon.lock); every append is fdatasynced before it returns, so a
// decision is durable before it is acknowledged and a one-read grant cannot serve twice across a
// crash. Opened without following a symlink; a torn last line (a daemon killed mid-append, never
// acknowledged) is cut at open. Replayed at start: see ApprovalState.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, writeSync } from "node:fs";
import type { ApprovalRequest, Grant } from "../../../protocol/index.js";
import { lastCompleteLine, scanLines } from "../../ledger/jsonl.js";
import { openNoFollow } from "../../platform/nofollow.js";

/** Why a grant ended. */
export type GrantEndReason = "expired" | "used" | "revoked" | "session_ended" | "vault_locked" | "daemon_restarted";

/** A request as it was asked (its state follows from the records after it). */
export type AskedRequest = Omit<ApprovalRequest, "state" | "decidedAt" | "by" | "denyReason" | "grant">;

export type JournalEntry =
  | { type: "request"; request: AskedRequest; holder?: string }
  | { type: "decision"; request: string; decision: "approve" | "deny"; by: Grant["by"]; reason?: string; grant?: Grant }
  | { type: "expiry"; request: string }
  | { type: "grant_end"; grant: string; reason: GrantEndReason };

export type JournalRecord = JournalEntry & { seq: number; ts: string };

export class ApprovalJournal {
  private readonly fd: number;
  private seq = 0;

  /** Opens (creating) the file and hands every record in it to `replay`, in order. */
  constructor(
    readonly path: string,
    replay: (record: JournalRecord) => void,
  ) {
    this.fd = openNoFollow(path, "a+");
    try {
      const size = fstatSync(this.fd).size;
      const tail = lastCompleteLine(this.fd, size, parse);
      if (tail.end < size) ftruncateSync(this.fd, tail.end);
      scanLines(path, 0, (text) => {
        const record = parse(text);
        if (!record) return; // not ours to judge here: sync and verify report bad lines
        this.seq = Math.max(this.seq, record.seq);
        replay(record);
      });
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  /** Appends one record and fdatasyncs it; throws when it cannot (nothing is then changed). */
  append(entry: JournalEntry, now = new Date()): JournalRecord {
    const record = { seq: this.seq + 1, ts: now.toISOString(), ...entry } as JournalRecord;
    const line = Buffer.from(JSON.stringify(record) + "\n");
    for (let off = 0; off < line.length; ) off += writeSync(this.fd, line, off);
    fdatasyncSync(this.fd);
    this.seq = record.seq;
    return record;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function parse(line: string): JournalRecord | null {
  try {
    const r = JSON.parse(line) as JournalRecord;
    return typeof r === "object" && r !== null && Number.isInteger(r.seq) && typeof r.type === "string" ? r : null;
  } catch {
    return null;
  }
}
