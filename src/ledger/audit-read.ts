// Reading and verifying audit/<host>.jsonl without a daemon: `warden audit list`, `warden audit
// verify` and doctor use these directly. The file is streamed in chunks: it grows for ever.
import { GENESIS, readHead, recordHash, type AuditRecord, type ChainHead } from "./audit-log.js";
import { forEachLine } from "./jsonl.js";

export interface AuditLine {
  line: number;
  record: AuditRecord;
}

/** Records kept by `keep` (all by default), with the lines that are not JSON records. */
export function readAuditFile(
  path: string,
  keep: (r: AuditRecord) => boolean = () => true,
): { records: AuditLine[]; unparseable: number[]; tornTail: boolean } {
  const records: AuditLine[] = [];
  const unparseable: number[] = [];
  const { tornTail } = forEachLine(path, (text, line) => {
    try {
      const record = JSON.parse(text) as AuditRecord;
      if (keep(record)) records.push({ line, record });
    } catch {
      unparseable.push(line);
    }
  });
  return { records, unparseable, tornTail };
}

export interface ChainReport {
  ok: boolean;
  records: number;
  /** The reads the records stand for: a coalesced record counts `count` (see audit-coalesce.ts). */
  reads: number;
  tornTail: boolean;
  /** The first record where the chain breaks, and why (`kind` to branch on, `reason` to read). */
  firstBroken?: { line: number; seq: number | null; kind: ChainBreak; reason: string };
}

/** How a chain breaks: a line, a link, a hash, a coalesced count, or the log against the synced head. */
export type ChainBreak = "not_json" | "seq" | "prev" | "hash" | "coalesced" | "truncated" | "rewritten";

/**
 * Recomputes every hash and link and names the first record that does not hold. With `headPath`
 * (the head the daemon last synced), a log that ends before that head, or differs at it, was
 * truncated or rolled back.
 */
export function verifyAuditChain(path: string, headPath?: string): ChainReport {
  let prev = GENESIS;
  let count = 0;
  let reads = 0;
  let atHead: string | null = null;
  let broken: ChainReport["firstBroken"];
  const head: ChainHead | null = headPath ? readHead(headPath) : null;
  const { tornTail } = forEachLine(path, (text, line) => {
    if (broken) return;
    let record: AuditRecord;
    try {
      record = JSON.parse(text) as AuditRecord;
    } catch {
      broken = { line, seq: null, kind: "not_json", reason: "not a JSON record" };
      return;
    }
    const fail = (kind: ChainBreak, reason: string) => (broken = { line, seq: record.seq ?? null, kind, reason });
    const { hash, ...rest } = record;
    if (record.seq !== count + 1) return void fail("seq", `seq ${record.seq} where ${count + 1} was expected (a record is missing or out of order)`);
    if (record.prev !== prev) return void fail("prev", "prev does not match the previous record's hash (a record before it was changed or removed)");
    if (recordHash(prev, rest) !== hash) return void fail("hash", "hash does not match the record's content (the record was edited)");
    if (
      record.count !== undefined &&
      !(Number.isInteger(record.count) && record.count > 0 && Number.isInteger(record.coalesces) && record.coalesces! < record.seq)
    ) {
      return void fail("coalesced", "a coalesced record without a positive count or the earlier record it repeats");
    }
    prev = hash;
    count++;
    reads += record.count ?? 1;
    if (head && record.seq === head.seq) atHead = hash;
  });
  const report = { records: count, reads, tornTail };
  if (broken) return { ok: false, ...report, firstBroken: broken };
  if (head && head.seq > count) {
    return {
      ok: false,
      ...report,
      firstBroken: {
        line: count + 1,
        seq: null,
        kind: "truncated",
        reason: `the log ends at seq ${count}, but the daemon had written up to seq ${head.seq} (truncated or rolled back)`,
      },
    };
  }
  if (head && head.seq > 0 && atHead !== head.hash) {
    return {
      ok: false,
      ...report,
      firstBroken: { line: head.seq, seq: head.seq, kind: "rewritten", reason: "the record at the daemon's last synced head differs (the log was rewritten)" },
    };
  }
  return { ok: true, ...report };
}
