// Reading and verifying audit/<host>.jsonl without a daemon: `warden audit list` and
// `warden audit verify` use these directly, as does doctor.
import { readFileSync } from "node:fs";
import { recordHash, GENESIS, type AuditRecord } from "./audit-log.js";

export interface AuditLine {
  line: number;
  record: AuditRecord;
}

export interface AuditFile {
  records: AuditLine[];
  /** Lines that are not JSON records, by 1-based line number (a torn last line is not one). */
  unparseable: number[];
  /** The file ends in an unterminated line: a crash mid-append. Ignored until completed. */
  tornTail: boolean;
}

export function readAuditFile(path: string): AuditFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], unparseable: [], tornTail: false };
    throw err;
  }
  const lines = text.split("\n");
  const tornTail = lines[lines.length - 1] !== "";
  lines.pop(); // "" after the last newline, or the torn tail
  const out: AuditFile = { records: [], unparseable: [], tornTail };
  lines.forEach((l, i) => {
    try {
      out.records.push({ line: i + 1, record: JSON.parse(l) as AuditRecord });
    } catch {
      out.unparseable.push(i + 1);
    }
  });
  return out;
}

export interface ChainReport {
  ok: boolean;
  records: number;
  tornTail: boolean;
  /** The first record where the chain breaks, and why. */
  firstBroken?: { line: number; seq: number | null; reason: string };
}

/** Recomputes every hash and link; names the first record that does not hold. */
export function verifyAuditChain(path: string): ChainReport {
  const file = readAuditFile(path);
  const firstBad = file.unparseable[0];
  let prev = GENESIS;
  let expectSeq = 1;
  for (const { line, record } of file.records) {
    if (firstBad !== undefined && firstBad < line) break;
    const broken = (reason: string): ChainReport => ({ ok: false, records: file.records.length, tornTail: file.tornTail, firstBroken: { line, seq: record.seq ?? null, reason } });
    const { hash, ...rest } = record;
    if (record.seq !== expectSeq) return broken(`seq ${record.seq} where ${expectSeq} was expected (a record is missing or out of order)`);
    if (record.prev !== prev) return broken("prev does not match the previous record's hash (a record before it was changed or removed)");
    if (recordHash(prev, rest) !== hash) return broken("hash does not match the record's content (the record was edited)");
    prev = hash;
    expectSeq++;
  }
  if (firstBad !== undefined) {
    return { ok: false, records: file.records.length, tornTail: file.tornTail, firstBroken: { line: firstBad, seq: null, reason: "not a JSON record" } };
  }
  return { ok: true, records: file.records.length, tornTail: file.tornTail };
}
