// verify and diff, the store's side: the rows the projection holds, per surface, against the
// rows the source files map to (read by sync/source-rows.ts and handed in as `SourceRows`), both
// streamed in the same key order (never all in memory at once).
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import { RpcError } from "../rpc/errors.js";
import type { ApprovalRow, AuditRow, EventRow, SessionRow } from "./rows.js";
import { SURFACES, type Surface } from "./schema.js";

/** A file last opened for writing by an older warden (read-only here) may lack the staging table. */
const hasStaging = (db: Database.Database) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'staging'").get() !== undefined;

/** Transcripts being re-imported apart (staged): compared once swapped in, not while half read. */
export const stagedSessions = (db: Database.Database) => new Set(hasStaging(db) ? (db.prepare("SELECT session FROM staging").pluck().all() as string[]) : []);

export interface Keyed {
  key: string;
  row: string;
}

const pad = (n: number) => String(n).padStart(12, "0");
export const k2 = (a: string, n: number) => `${a}\u0000${pad(n)}`;
export const sessionLine = (r: SessionRow) =>
  [r.id, r.host, r.kind, r.title, r.state, r.created_at, r.updated_at, r.last_seq, r.meta, r.archived, r.info].join("\t");
export const eventLine = (r: EventRow) => [r.session, r.seq, r.ts, r.kind, r.data, r.src_offset, r.src_length].join("\t");
export const auditLine = (r: AuditRow) => [r.host, r.seq, r.ts, r.action, r.outcome, r.vault, r.name, r.kind, r.record].join("\t");
export const approvalLine = (r: ApprovalRow) => [r.host, r.seq, r.ts, r.record].join("\t");

/** How far the projection has applied each source file (by relative path). */
export function watermarkLimits(db: Database.Database): Map<string, number> {
  return new Map((db.prepare("SELECT path, offset FROM watermarks").all() as Array<{ path: string; offset: number }>).map((w) => [w.path, w.offset]));
}

/**
 * The projection's side. Sessions and events compared are warden's own and those imported from
 * the transcript roots given, from files still there: a session whose file is gone keeps its
 * history, marked source_missing, with nothing left to compare.
 */
function* projectionRows(db: Database.Database, surface: Surface, after: string | null, sources: string[]): Generator<Keyed> {
  const among = `s.source IN (${sources.map(() => "?").join(", ")})${hasStaging(db) ? " AND s.id NOT IN (SELECT session FROM staging)" : ""}`;
  if (surface === "sessions") {
    for (const r of db.prepare(`SELECT * FROM sessions s WHERE ${among} AND s.source_missing = 0 ORDER BY id`).iterate(...sources) as Iterable<SessionRow>) {
      if (after === null || r.id > after) yield { key: r.id, row: sessionLine(r) };
    }
  } else if (surface === "events") {
    const events = db.prepare(
      // Events without a session row are compared too (they are drift).
      `SELECT e.* FROM events e LEFT JOIN sessions s ON s.id = e.session WHERE s.id IS NULL OR (${among} AND s.source_missing = 0) ORDER BY e.session, e.seq`,
    );
    for (const r of events.iterate(...sources) as Iterable<EventRow>) {
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

/** Runs `fn` inside one read transaction: every table and the watermarks seen at one moment. */
function snapshot<T>(db: Database.Database, fn: () => T): T {
  db.exec("BEGIN");
  try {
    return fn();
  } finally {
    db.exec("COMMIT");
  }
}

/**
 * The source side of a comparison: the rows `surface`'s source files map to, keys after `after`,
 * each file read up to its watermark (`limits`), skipping `staged` sessions (being re-imported).
 */
export type SourceRows = (surface: Surface, after: string | null, limits: Map<string, number>, staged: Set<string>) => Generator<Keyed>;

/** Sessions and events compared are those of these sources: warden's own and the transcript roots'. */
export function verifyRows(
  db: Database.Database,
  surface: Surface | "all" | undefined,
  sourceRows: SourceRows,
  compared: string[],
): ResultOf<"projection.verify"> {
  return snapshot(db, () => {
    const limits = watermarkLimits(db);
    const staged = stagedSessions(db);
    const surfaces = surfacesOf(surface).map((s) => {
      const source = digest(sourceRows(s, null, limits, staged));
      const projection = digest(projectionRows(db, s, null, compared));
      return { surface: s, ok: source.count === projection.count && source.hash === projection.hash, source, projection };
    });
    return { ok: surfaces.every((s) => s.ok), surfaces };
  });
}

type Difference = ResultOf<"projection.diff">["differences"][number];

/** Merge-joins source and projection rows, surface by surface, from the cursor on. */
export function diffRows(
  db: Database.Database,
  q: { surface?: Surface | "all"; limit: number; cursor?: string },
  sourceRows: SourceRows,
  compared: string[],
): ResultOf<"projection.diff"> {
  const surfaces = surfacesOf(q.surface);
  let start: { surface: Surface; key: string } | null = null;
  if (q.cursor) {
    try {
      start = JSON.parse(Buffer.from(q.cursor, "base64url").toString("utf8")) as { surface: Surface; key: string };
    } catch {
      start = null;
    }
    if (!start || typeof start.key !== "string" || !surfaces.includes(start.surface)) {
      throw new RpcError("invalid_params", "cursor is not one this daemon gave out for this surface", {
        issues: [{ code: "custom", path: ["cursor"], message: "unknown cursor" }],
      });
    }
  }
  return snapshot(db, () => diffFrom(db, surfaces, start, q.limit, sourceRows, compared));
}

function diffFrom(
  db: Database.Database,
  surfaces: Surface[],
  start: { surface: Surface; key: string } | null,
  limit: number,
  sourceRows: SourceRows,
  compared: string[],
): ResultOf<"projection.diff"> {
  const limits = watermarkLimits(db);
  const staged = stagedSessions(db);
  const out: Difference[] = [];
  let lastRaw: { surface: Surface; key: string } | null = null;
  for (const surface of surfaces.slice(start ? Math.max(0, surfaces.indexOf(start.surface)) : 0)) {
    const after = start && start.surface === surface ? start.key : null;
    const src = sourceRows(surface, after, limits, staged);
    const prj = projectionRows(db, surface, after, compared);
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
        if (out.length === limit) {
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
