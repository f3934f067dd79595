// verify and diff: the rows the source files map to, against the rows the projection holds, per
// surface, both streamed in the same key order (never all in memory at once).
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import type { LedgerEvent } from "../ledger/events.js";
import { scanLines } from "../ledger/jsonl.js";
import { RpcError } from "../rpc/errors.js";
import { eventRow, foldSession, parseSourceLine, type ApprovalRow, type AuditRow, type EventRow, type SessionRow } from "./rows.js";
import { SURFACES, type Surface } from "./schema.js";
import { discoverSources, type SourceFile } from "./sources.js";

interface Keyed {
  key: string;
  row: string;
}

const pad = (n: number) => String(n).padStart(12, "0");
const k2 = (a: string, n: number) => `${a}\u0000${pad(n)}`;
const sessionLine = (r: SessionRow) => [r.id, r.host, r.kind, r.title, r.state, r.created_at, r.updated_at, r.last_seq, r.meta].join("\t");
const eventLine = (r: EventRow) => [r.session, r.seq, r.ts, r.kind, r.data].join("\t");
const auditLine = (r: AuditRow) => [r.host, r.seq, r.ts, r.action, r.outcome, r.vault, r.name, r.kind, r.record].join("\t");
const approvalLine = (r: ApprovalRow) => [r.host, r.seq, r.ts, r.record].join("\t");

/** One source file's valid records, deduplicated by seq (the last one wins, as in the projection), in seq order. */
function fileRecords(source: SourceFile): Array<ReturnType<typeof parseSourceLine> & object> {
  const bySeq = new Map<number, NonNullable<ReturnType<typeof parseSourceLine>>>();
  scanLines(source.path, 0, (text) => {
    const parsed = parseSourceLine(source, text);
    if (!parsed) return;
    const seq = "event" in parsed ? parsed.event.seq : "audit" in parsed ? parsed.audit.seq : parsed.approval.seq;
    bySeq.set(seq, parsed);
  });
  return [...bySeq.keys()].sort((a, b) => a - b).map((s) => bySeq.get(s)!);
}

function* sourceRows(home: string, surface: Surface, after: string | null): Generator<Keyed> {
  const all = discoverSources(home);
  if (surface === "sessions" || surface === "events") {
    const ledgers = all.filter((s) => s.kind === "ledger").sort((a, b) => (a.session! < b.session! ? -1 : a.session! > b.session! ? 1 : 0));
    for (const source of ledgers) {
      if (after !== null && source.session! < after.split("\u0000")[0]!) continue;
      const events = fileRecords(source).map((r) => (r as { event: LedgerEvent }).event);
      if (surface === "sessions") {
        let row: SessionRow | null = null;
        for (const e of events) row = foldSession(row, e, source.host);
        if (row && (after === null || row.id > after)) yield { key: row.id, row: sessionLine(row) };
      } else {
        for (const e of events) {
          const key = k2(e.session, e.seq);
          if (after === null || key > after) yield { key, row: eventLine(eventRow(e)) };
        }
      }
    }
    return;
  }
  for (const source of all.filter((s) => s.kind === surface)) {
    for (const r of fileRecords(source)) {
      const row = "audit" in r ? r.audit : (r as { approval: ApprovalRow }).approval;
      const key = k2(row.host, row.seq);
      if (after === null || key > after) yield { key, row: "audit" in r ? auditLine(r.audit) : approvalLine(row as ApprovalRow) };
    }
  }
}

function* projectionRows(db: Database.Database, surface: Surface, after: string | null): Generator<Keyed> {
  if (surface === "sessions") {
    for (const r of db.prepare("SELECT * FROM sessions ORDER BY id").iterate() as Iterable<SessionRow>) {
      if (after === null || r.id > after) yield { key: r.id, row: sessionLine(r) };
    }
  } else if (surface === "events") {
    for (const r of db.prepare("SELECT * FROM events ORDER BY session, seq").iterate() as Iterable<EventRow>) {
      const key = k2(r.session, r.seq);
      if (after === null || key > after) yield { key, row: eventLine(r) };
    }
  } else if (surface === "audit") {
    for (const r of db.prepare("SELECT * FROM audit ORDER BY host, seq").iterate() as Iterable<AuditRow>) {
      const key = k2(r.host, r.seq);
      if (after === null || key > after) yield { key, row: auditLine(r) };
    }
  } else {
    for (const r of db.prepare("SELECT * FROM approvals ORDER BY host, seq").iterate() as Iterable<ApprovalRow>) {
      const key = k2(r.host, r.seq);
      if (after === null || key > after) yield { key, row: approvalLine(r) };
    }
  }
}

function digest(rows: Iterable<Keyed>): { count: number; hash: string } {
  const h = createHash("sha256");
  let count = 0;
  for (const r of rows) {
    h.update(r.row).update("\n");
    count++;
  }
  return { count, hash: h.digest("hex") };
}

export function surfacesOf(surface: Surface | "all" | undefined): Surface[] {
  return !surface || surface === "all" ? [...SURFACES] : [surface];
}

export function verify(home: string, db: Database.Database, surface?: Surface | "all"): ResultOf<"projection.verify"> {
  const surfaces = surfacesOf(surface).map((s) => {
    const source = digest(sourceRows(home, s, null));
    const projection = digest(projectionRows(db, s, null));
    return { surface: s, ok: source.count === projection.count && source.hash === projection.hash, source, projection };
  });
  return { ok: surfaces.every((s) => s.ok), surfaces };
}

type Difference = ResultOf<"projection.diff">["differences"][number];

/** Merge-joins source and projection rows, surface by surface, from the cursor on. */
export function diff(home: string, db: Database.Database, q: { surface?: Surface | "all"; limit: number; cursor?: string }): ResultOf<"projection.diff"> {
  let start: { surface: Surface; key: string } | null = null;
  if (q.cursor) {
    try {
      start = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8")) as { surface: Surface; key: string };
    } catch {
      throw new RpcError("invalid_params", "cursor is not one this daemon gave out", { issues: [{ code: "custom", path: ["cursor"], message: "unknown cursor" }] });
    }
  }
  const out: Difference[] = [];
  let lastRaw: { surface: Surface; key: string } | null = null;
  const surfaces = surfacesOf(q.surface);
  for (const surface of surfaces.slice(start ? Math.max(0, surfaces.indexOf(start.surface)) : 0)) {
    const after = start && start.surface === surface ? start.key : null;
    const src = sourceRows(home, surface, after);
    const prj = projectionRows(db, surface, after);
    let a = src.next();
    let b = prj.next();
    while (!a.done || !b.done) {
      let d: Difference | null = null;
      let key: string;
      if (b.done || (!a.done && a.value.key < b.value.key)) {
        key = a.value!.key;
        d = { surface, key, problem: "missing_in_projection" };
        a = src.next();
      } else if (a.done || b.value.key < a.value.key) {
        key = b.value.key;
        d = { surface, key, problem: "missing_in_source" };
        b = prj.next();
      } else {
        key = a.value.key;
        if (a.value.row !== b.value.row) d = { surface, key, problem: "differs" };
        a = src.next();
        b = prj.next();
      }
      if (d) {
        if (out.length === q.limit) {
          src.return(undefined);
          prj.return(undefined);
          return { differences: out, nextCursor: Buffer.from(JSON.stringify(lastRaw)).toString("base64url") };
        }
        out.push({ ...d, key: d.key.replace("\u0000", "#") }); // session#seq, host#seq
        lastRaw = { surface, key: d.key };
      }
    }
  }
  return { differences: out, nextCursor: null };
}
