// Brings the projection up to date with its source files, using per-file watermarks (see
// resume.ts): an unchanged file costs a stat; an appended file costs only its new bytes; a shrunk,
// rewritten or older-version file is re-imported from the start. A deleted source file never
// deletes imported history: its rows stay, marked source_missing. Used at boot, after a restore,
// by rebuild (on an empty database, where it is a full import), and by the sync engine, which
// reads big files in slices (`budget`) so the daemon keeps serving. Every kind goes through the
// one import loop (import-slice.ts): ledgers, audit logs and approvals with the mapper below,
// transcripts with transcript-slice.ts's.
import { statSync, type Stats } from "node:fs";
import { maskKnown } from "../masking/known-digests.js";
import type { SecretValues } from "../masking/secret-values.js";
import { importTranscriptSlice } from "./transcript-slice.js";
import type { Projection, Watermark } from "../projection/projection.js";
import { importSlice } from "./import-slice.js";
import { emptyReport, type CatchUpOptions, type ImportReport, type ImportStep, watermarkAt } from "./import-step.js";
import { resumePoint, type Resume } from "./resume.js";
import { parseSourceLine, type ApprovalRow, type AuditRow, type LocatedEvent } from "../projection/rows.js";
import { isTranscript, type SourceFile } from "../projection/sources.js";
import { discoverSources } from "./discover.js";

const BATCH_ROWS = 10_000;

/**
 * Where reading a source starts, or the finished step when there is nothing to read: a file gone
 * (marked missing; history stays, sources are the truth only about what they still hold) or
 * unchanged (a stat, compared with the watermark).
 */
export function prepareCatchUp(p: Projection, source: SourceFile): ImportStep | { wm: Watermark | undefined; st: Stats; resume: Resume } {
  const wm = p.watermark(source.rel);
  const st = statSync(source.path, { throwIfNoEntry: false });
  if (!st) {
    if (wm && !wm.missing) p.markMissing(source, true);
    return { outcome: "missing", done: true };
  }
  const resume = resumePoint(source.path, source.kind, st, wm);
  if (resume.outcome === "unchanged" && (!wm || (wm.offset === st.size && wm.mtime_ms === st.mtimeMs && wm.inode === st.ino && !wm.missing)))
    return { outcome: "unchanged", done: true };
  return { wm, st, resume };
}

export function catchUpFile(p: Projection, source: SourceFile, opts: CatchUpOptions = {}): ImportStep {
  const report = opts.report;
  const prepared = prepareCatchUp(p, source);
  if ("done" in prepared) return prepared;
  const { wm, st, resume } = prepared;
  if (isTranscript(source.kind)) return importTranscriptSlice(p, source, st, wm, resume, opts);
  if (resume.reset) p.forgetSource(source);
  let lastSeq = resume.from > 0 ? wm!.last_seq : 0;
  let pending = 0;
  const events: LocatedEvent[] = [];
  const audit: AuditRow[] = [];
  const approvals: ApprovalRow[] = [];
  const known = source.kind === "ledger" && opts.secrets?.digests?.size ? opts.secrets.digests : null;
  const slice = importSlice(
    source.path,
    {
      from: resume.from,
      budget: opts.budget ?? Infinity,
      batchLines: BATCH_ROWS,
      batchBytes: Infinity,
      mustFlush: () => !wm || resume.reset || !!wm.missing || wm.mtime_ms !== st.mtimeMs || wm.inode !== st.ino,
    },
    {
      line(text, lineNo, start, end) {
        pending++;
        const parsed = parseSourceLine(source, text);
        if (!parsed) report?.unparseable.push({ rel: source.rel, line: lineNo });
        else if ("event" in parsed) {
          // A line recorded before a value in it was known to be secret: its copy here is masked.
          const data = known ? maskKnown(parsed.event.data, known) : parsed.event.data;
          if (data === parsed.event.data) events.push({ event: parsed.event, offset: start, length: end - 1 - start });
          else events.push({ event: { ...parsed.event, data: data as Record<string, unknown> }, offset: start, length: end - 1 - start, inline: true });
          lastSeq = Math.max(lastSeq, parsed.event.seq);
        } else if ("audit" in parsed) {
          audit.push(parsed.audit);
          lastSeq = Math.max(lastSeq, parsed.audit.seq);
        } else {
          approvals.push(parsed.approval);
          lastSeq = Math.max(lastSeq, parsed.approval.seq);
        }
      },
      skipped(lineNo) {
        report?.unparseable.push({ rel: source.rel, line: lineNo });
      },
      flush(end, lastLine) {
        const wmUpdate = watermarkAt(source.path, st, end, lastLine, resume, wm?.tail_hash, lastSeq);
        if (source.kind === "ledger") p.applyLedger(source, events.splice(0), wmUpdate);
        else if (source.kind === "audit") p.applyAudit(source, audit.splice(0), wmUpdate);
        else p.applyApprovals(source, approvals.splice(0), wmUpdate);
        if (report) report.rows += pending;
        pending = 0;
      },
    },
  );
  if (report) report.bytes += slice.end - resume.from;
  return { outcome: resume.outcome, done: !slice.stopped || slice.end >= st.size };
}

export interface CatchUpAllOptions {
  /** Sources beyond $WARDEN_HOME's own (imported transcripts). */
  extra?: SourceFile[];
  secrets?: SecretValues;
  onFile?: (done: number, total: number) => void;
}

/** Syncs every source file to its end. */
export function catchUpAll(p: Projection, home: string, opts: CatchUpAllOptions | ((done: number, total: number) => void) = {}): ImportReport {
  const o = typeof opts === "function" ? { onFile: opts } : opts;
  const sources = [...discoverSources(home), ...(o.extra ?? [])];
  const report = emptyReport();
  report.files = sources.length;
  sources.forEach((source, i) => {
    try {
      let step = catchUpFile(p, source, { report, secrets: o.secrets });
      const outcome = step.outcome;
      while (!step.done) step = catchUpFile(p, source, { report, secrets: o.secrets });
      report.outcomes[outcome]++;
    } catch (err) {
      // One unreadable file must not stop the others (or the daemon's start).
      report.failed.push({ rel: source.rel, error: (err as Error).message });
    }
    o.onFile?.(i + 1, sources.length);
  });
  return report;
}
