// This host's witness records (action "witness" in its own audit log) are the durable memory of
// what it witnessed of other hosts: the daemon's witness starts from them, doctor and `audit
// verify` check other hosts' logs against them.
import { fstatSync } from "node:fs";
import { completeEnd, linesBackwards, withFile } from "./jsonl.js";

export interface WitnessRecord {
  seq: number;
  outcome: "ok" | "error";
  kind: string | null;
  host: string;
  size: number | null;
  root: string | null;
  key: string | null;
}

export interface HostWitness {
  /** The last witness record for the host, of either outcome. */
  last: WitnessRecord;
  /** The last "ok" one: what was last witnessed good. */
  good: WitnessRecord | null;
}

/** A witness record's fields from a line of the log, or null. */
export function witnessRecordOf(text: string): WitnessRecord | null {
  if (!text.includes('"action":"witness"')) return null;
  try {
    const r = JSON.parse(text) as { seq?: unknown; action?: unknown; outcome?: unknown; kind?: unknown; detail?: Record<string, unknown> };
    const d = r.detail;
    if (r.action !== "witness" || typeof r.seq !== "number" || !d || typeof d.host !== "string") return null;
    if (r.outcome !== "ok" && r.outcome !== "error") return null;
    return {
      seq: r.seq,
      outcome: r.outcome,
      kind: typeof r.kind === "string" ? r.kind : null,
      host: d.host,
      size: typeof d.size === "number" ? d.size : null,
      root: typeof d.root === "string" ? d.root : null,
      key: typeof d.key === "string" ? d.key : null,
    };
  } catch {
    return null;
  }
}

/**
 * Per host, the last witness record and the last good one in the log at `path`, read from the end
 * backwards: with `want`, reading stops once each of those hosts has its good record found (the
 * usual case costs the log's tail); without, the whole log is read.
 */
export function lastWitnesses(path: string, want?: ReadonlySet<string>): Map<string, HostWitness> {
  const out = new Map<string, HostWitness>();
  withFile(path, (fd) => {
    let missing = want ? want.size : Infinity;
    for (const { text } of linesBackwards(fd, completeEnd(fd, fstatSync(fd).size))) {
      const w = text === null ? null : witnessRecordOf(text);
      if (!w) continue;
      const h = out.get(w.host);
      if (!h) out.set(w.host, { last: w, good: w.outcome === "ok" ? w : null });
      else if (!h.good && w.outcome === "ok") h.good = w;
      else continue;
      if (w.outcome === "ok" && want?.has(w.host) && --missing === 0) break;
    }
  });
  return out;
}
