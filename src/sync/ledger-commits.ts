// The ledger writer's durable batches, applied to the projection as they are committed: rows and
// watermark per file, all files in one transaction (a savepoint each, so one file's failure leaves
// the others applied). Many sessions printing at once make many small batches: one commit for all
// of them, not one per session. Their search documents are made after, by the ledger indexer.
import { statSync } from "node:fs";
import type { CommittedFile } from "../ledger/writer.js";
import { ledgerSource } from "../projection/sources.js";
import type { ProjectionStore } from "../projection/store.js";
import { headHash, lineHash } from "./resume.js";

export function applyCommitted(store: ProjectionStore, host: string, files: CommittedFile[], failed: (what: string, err: unknown) => void): void {
  const p = store.current;
  try {
    p.db.transaction(() => {
      for (const f of files) {
        try {
          const source = ledgerSource(store.home, host, f.session);
          const st = statSync(f.path);
          const last = f.events.at(-1)!.event;
          const prev = p.watermark(source.rel);
          // The head hash covers the first 4 KiB: once a file is past them, it never changes.
          const head = prev && prev.offset >= 4096 && prev.head_hash !== "" ? prev.head_hash : (headHash(f.path, f.end) ?? "");
          p.applyLedger(source, f.events, {
            size: f.end,
            mtime_ms: st.mtimeMs,
            inode: st.ino,
            tail_hash: lineHash(f.lastLine),
            offset: f.end,
            last_seq: last.seq,
            head_hash: head,
            masked: prev?.masked ?? 0, // given, so applyLedger need not read the watermark a second time
          });
        } catch (err) {
          failed(`applying ${f.path} failed`, err); // its watermark did not move: catch-up re-reads it
        }
      }
    })();
  } catch (err) {
    failed("committing a ledger batch failed", err);
  }
}
