// Brings the projection up to date with its source files, using per-file watermarks: an unchanged
// file costs a stat; an appended file costs only its new bytes; a shrunk, rewritten or older-
// version file (the last applied line no longer hashes the same) is re-imported from the start.
// A deleted source file never deletes imported history. Used at boot, after a restore, and by
// rebuild (on an empty database, where it is a full import).
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { MAX_LINE_BYTES, scanLines } from "../ledger/jsonl.js";
import type { Projection, WatermarkUpdate } from "./projection.js";
import { parseSourceLine, type ApprovalRow, type AuditRow, type LocatedEvent } from "./rows.js";
import { SYNC_VERSION } from "./schema.js";
import { discoverSources, type SourceFile } from "./sources.js";

const BATCH_ROWS = 10_000;

export type SyncOutcome = "unchanged" | "appended" | "reimported" | "new" | "missing";

export interface SyncReport {
  files: number;
  outcomes: Record<SyncOutcome, number>;
  rows: number;
  /** Lines that are not valid records, by file (1-based line numbers, counted from where reading began). */
  unparseable: Array<{ rel: string; line: number }>;
  /** Files that could not be read at all (a directory named *.jsonl, permissions, I/O errors). */
  failed: Array<{ rel: string; error: string }>;
}

export const lineHash = (line: string | Buffer): string => createHash("sha256").update(line).update("\n").digest("hex");

/** Stands in for a line longer than MAX_LINE_BYTES, which is never read into memory. */
const OVERSIZE = "\u0000oversize";

/** The hash of the complete line that ends at byte `offset` (just after its '\n'), or null. */
export function lineHashEndingAt(path: string, offset: number): string | null {
  if (offset <= 0) return null;
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    for (let window = 64 * 1024; ; window *= 4) {
      const start = Math.max(0, offset - window);
      const buf = Buffer.alloc(offset - start);
      if (readSync(fd, buf, 0, buf.length, start) !== buf.length || buf[buf.length - 1] !== 0x0a) return null;
      const prev = buf.lastIndexOf(0x0a, buf.length - 2);
      if (prev >= 0 || start === 0) {
        const line = buf.subarray(prev + 1, buf.length - 1);
        return lineHash(line.length > MAX_LINE_BYTES ? OVERSIZE : line.toString("utf8"));
      }
      if (window > MAX_LINE_BYTES) return lineHash(OVERSIZE);
    }
  } finally {
    closeSync(fd);
  }
}

export function syncSource(p: Projection, source: SourceFile, report?: SyncReport): SyncOutcome {
  const st = statSync(source.path, { throwIfNoEntry: false });
  if (!st) return "missing"; // history stays: sources are the truth only about what they still hold
  const wm = p.watermark(source.rel);
  const current = wm?.sync_version === SYNC_VERSION;
  if (current && st.size === wm.offset && st.ino === wm.inode && st.mtimeMs === wm.mtime_ms) return "unchanged";
  let from = 0;
  let outcome: SyncOutcome = wm ? "reimported" : "new";
  if (current && st.size >= wm.offset && lineHashEndingAt(source.path, wm.offset) === wm.tail_hash) {
    from = wm.offset;
    outcome = st.size === wm.offset ? "unchanged" : "appended";
  } else if (wm) {
    p.forgetSource(source);
  }
  let lastSeq = from > 0 ? wm!.last_seq : 0;
  let lastLine: string | null = null; // hashed once per batch, not once per line
  const events: LocatedEvent[] = [];
  const audit: AuditRow[] = [];
  const approvals: ApprovalRow[] = [];
  const apply = (end: number) => {
    const tailHash = lastLine !== null ? lineHash(lastLine) : from > 0 ? wm!.tail_hash : "";
    const wmUpdate: WatermarkUpdate = { size: Math.max(end, 0), mtime_ms: st.mtimeMs, inode: st.ino, tail_hash: tailHash, offset: end, last_seq: lastSeq };
    if (source.kind === "ledger") p.applyLedger(source, events.splice(0), wmUpdate);
    else if (source.kind === "audit") p.applyAudit(source, audit.splice(0), wmUpdate);
    else p.applyApprovals(source, approvals.splice(0), wmUpdate);
  };
  let pending = 0;
  const onOversize = (lineNo: number) => {
    lastLine = OVERSIZE;
    report?.unparseable.push({ rel: source.rel, line: lineNo });
  };
  const scan = scanLines(source.path, from, (text, end, lineNo, start) => {
    lastLine = text;
    const parsed = parseSourceLine(source, text);
    if (!parsed) report?.unparseable.push({ rel: source.rel, line: lineNo });
    else if ("event" in parsed) {
      events.push({ event: parsed.event, offset: start, length: end - 1 - start });
      lastSeq = Math.max(lastSeq, parsed.event.seq);
    } else if ("audit" in parsed) {
      audit.push(parsed.audit);
      lastSeq = Math.max(lastSeq, parsed.audit.seq);
    } else {
      approvals.push(parsed.approval);
      lastSeq = Math.max(lastSeq, parsed.approval.seq);
    }
    if (++pending >= BATCH_ROWS) {
      apply(end);
      if (report) report.rows += pending;
      pending = 0;
    }
  }, { onOversize });
  if (pending > 0 || scan.end !== from || !wm) {
    apply(scan.end);
    if (report) report.rows += pending;
  }
  return outcome;
}

/** Syncs every source file; `onFile` hears progress (done, total). */
export function syncAll(p: Projection, home: string, onFile?: (done: number, total: number) => void): SyncReport {
  const sources = discoverSources(home);
  const report: SyncReport = { files: sources.length, outcomes: { unchanged: 0, appended: 0, reimported: 0, new: 0, missing: 0 }, rows: 0, unparseable: [], failed: [] };
  sources.forEach((source, i) => {
    try {
      report.outcomes[syncSource(p, source, report)]++;
    } catch (err) {
      // One unreadable file must not stop the others (or the daemon's start).
      report.failed.push({ rel: source.rel, error: (err as Error).message });
    }
    onFile?.(i + 1, sources.length);
  });
  return report;
}
