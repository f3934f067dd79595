// An audit record just written to its file, applied to the projection in a batch up to 10 ms
// later, off the path of the secret read that caused it (a crash before then loses nothing: the
// next start catches up from the audit file).
import { statSync } from "node:fs";
import type { AuditRecord } from "../ledger/audit-log.js";
import type { Projection } from "../projection/projection.js";
import { auditRow, type AuditRow } from "../projection/rows.js";
import { auditSource } from "../projection/sources.js";
import type { ProjectionStore } from "../projection/store.js";
import { headHash, lineHash } from "./resume.js";

const AUDIT_APPLY_MS = 10;
const AUDIT_APPLY_CHUNK = 32;

export class AuditQueue {
  /** Each record with the database it was queued for: one replaced since (a swap) caught it up from the file. */
  private queue: Array<{ row: AuditRow; line: string; end: number; p: Projection }> = [];

  constructor(
    private readonly store: ProjectionStore,
    private readonly host: string,
    /** A failed apply: the keeper marks the projection degraded and catches up from the files. */
    private readonly failed: (what: string, err: unknown) => void,
  ) {}

  add(record: AuditRecord, line: string, end: number): void {
    this.queue.push({ row: auditRow(this.host, record, line), line, end, p: this.store.current });
    if (this.queue.length === 1) setTimeout(() => this.flush(false), AUDIT_APPLY_MS).unref();
  }

  /**
   * Applies queued audit records: all of them when `all` (before verify, restore, close), else at
   * most AUDIT_APPLY_CHUNK per turn, so no single turn stalls requests for long. During a rebuild
   * they wait: applying them to the database about to be replaced would be lost work.
   */
  flush(all = true): void {
    if (this.store.closed || this.store.rebuilding) return;
    const p = this.store.current;
    this.queue = this.queue.filter((q) => q.p === p); // in the file, so in the swap's catch-up
    if (this.queue.length === 0) return;
    const queued = this.queue.splice(0, all ? this.queue.length : AUDIT_APPLY_CHUNK);
    try {
      const source = auditSource(this.store.home, this.host);
      const st = statSync(source.path);
      const last = queued.at(-1)!;
      p.applyAudit(
        source,
        queued.map((q) => q.row),
        {
          size: last.end,
          mtime_ms: st.mtimeMs,
          inode: st.ino,
          tail_hash: lineHash(last.line),
          offset: last.end,
          last_seq: last.row.seq,
          head_hash: headHash(source.path, last.end) ?? "",
        },
      );
    } catch (err) {
      this.failed("applying audit records failed", err);
    }
    if (this.queue.length > 0) setImmediate(() => this.flush(false));
  }
}
