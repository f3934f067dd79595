// Search documents for warden's own ledgers, made in the background behind the events: terminal
// output is recorded faster than FTS5 can index it, so the index lags a burst and catches up at a
// bounded rate, never slowing recording. Text is masked again on the way in (the rules may know
// more than they did when the output was recorded). A rebuild makes them all in its worker, so a
// rebuilt projection is searchable the moment it is swapped in.
import { scanLines } from "../ledger/jsonl.js";
import { parseEvent } from "../ledger/events.js";
import { maskText } from "../masking/masker.js";
import { RULES_VERSION } from "../masking/rules.js";
import type { SecretValues } from "../masking/secret-values.js";
import type { Projection } from "../projection/projection.js";
import { ledgerSource, type SourceFile } from "../projection/sources.js";
import { ledgerSearchText } from "./search-text.js";

export interface IndexMark {
  indexed: number;
  offset: number;
  mask_version: number;
  masked: number;
}

/** Indexes about `budget` bytes of `source` after its mark; returns the bytes read. */
export function indexLedgerSlice(p: Projection, source: SourceFile, mark: IndexMark, secrets: SecretValues, budget: number): number {
  const fresh = mark.mask_version !== RULES_VERSION; // a new rules version: every document again
  const from = fresh ? 0 : mark.indexed;
  let masked = fresh ? 0 : mark.masked;
  let reached = from;
  const docs: Array<{ seq: number; ts: string; kind: string; text: string }> = [];
  scanLines(
    source.path,
    from,
    (line, end) => {
      reached = end;
      const e = parseEvent(line);
      const text = e && e.session === source.session ? ledgerSearchText(e) : "";
      if (text !== "") {
        const m = maskText(text, secrets);
        for (const n of Object.values(m.hits)) masked += n;
        docs.push({ seq: e!.seq, ts: e!.ts, kind: e!.kind, text: m.text });
      }
      return end - from < budget;
    },
    { to: mark.offset, onOversize: (_n, end) => void (reached = end) },
  );
  // Lines the events were applied from but that cannot be read now (the file shrank): nothing to wait for.
  if (reached === from && from < mark.offset) reached = mark.offset;
  p.indexLedger(source, docs, reached, masked, fresh);
  return reached - from;
}

/**
 * One slice (about `budget` bytes) of indexing for the first ledger whose documents lag its
 * events; false when none does. A ledger file that is gone has nothing more to give: marked done.
 */
export function indexNextLedger(p: Projection, home: string, secrets: SecretValues, budget: number): boolean {
  const next = p.unindexedLedgers()[0];
  if (!next) return false;
  const wm = p.watermark(next.path)!;
  const m = /^ledger\/([^/]+)\/([^/]+)\.jsonl$/.exec(next.path);
  if (!m) {
    p.indexLedger({ kind: "ledger", path: "", rel: next.path, host: "", session: wm.session ?? "" }, [], next.offset, wm.masked, false);
    return true;
  }
  indexLedgerSlice(
    p,
    ledgerSource(home, m[1]!, m[2]!),
    { indexed: next.indexed, offset: next.offset, mask_version: next.mask_version, masked: wm.masked },
    secrets,
    budget,
  );
  return true;
}
