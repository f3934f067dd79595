// The SQLite projection (run/<host>/projection.sqlite): WAL, one writer connection, statements
// prepared once, every write inside one synchronous transaction together with the watermark of
// the source file it came from. Opened read-only too, by no-daemon reads and doctor.
import Database from "better-sqlite3";
import type { LedgerEvent } from "../ledger/events.js";
import { foldSessionInPlace, eventRow, type ApprovalRow, type AuditRow, type LocatedEvent, type SessionRow } from "./rows.js";
import { SCHEMA, SCHEMA_VERSION, SYNC_VERSION, type Surface } from "./schema.js";
import type { SourceFile } from "./sources.js";

export interface Watermark {
  path: string;
  surface: Surface;
  size: number;
  mtime_ms: number;
  inode: number;
  tail_hash: string;
  offset: number;
  last_seq: number;
  sync_version: number;
}

/** What a batch of applied lines advances its file's watermark to. */
export type WatermarkUpdate = Omit<Watermark, "path" | "surface" | "sync_version">;

const surfaceOf = (s: SourceFile): Surface => (s.kind === "ledger" ? "events" : s.kind);

export class Projection {
  readonly db: Database.Database;
  private readonly s: ReturnType<typeof prepare>;

  private constructor(
    db: Database.Database,
    readonly path: string,
  ) {
    this.db = db;
    this.s = prepare(db);
  }

  /** Opens (creating when writable and missing) and checks the schema version. Throws on a damaged file. */
  static open(path: string, opts: { readonly?: boolean } = {}): Projection {
    const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    try {
      db.pragma("busy_timeout = 5000");
      if (!opts.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        const version = db.pragma("user_version", { simple: true }) as number;
        if (version > SCHEMA_VERSION) throw new Error(`projection schema ${version} is newer than this warden (${SCHEMA_VERSION})`);
        // Derived data: an older layout is rebuilt from the sources rather than migrated.
        if (version !== 0 && version < SCHEMA_VERSION) throw new Error(`projection schema ${version} is older than this warden's (${SCHEMA_VERSION}); it is rebuilt`);
        db.exec(SCHEMA);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      } else {
        db.prepare("SELECT count(*) FROM watermarks").get(); // fails fast on a damaged or foreign file
      }
      return new Projection(db, path);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** A private in-memory projection: empty, or a copy of `serialized` (db.serialize()) to catch up. */
  static inMemory(serialized?: Buffer): Projection {
    if (serialized && serialized.length > 19) {
      // A WAL-mode file's header (bytes 18-19 = 2) cannot be opened in memory: mark it rollback.
      serialized[18] = 1;
      serialized[19] = 1;
    }
    const db = serialized ? new Database(serialized) : new Database(":memory:");
    db.exec(SCHEMA);
    return new Projection(db, ":memory:");
  }

  close(): void {
    this.db.close();
  }

  watermark(rel: string): Watermark | undefined {
    return this.s.getWatermark.get(rel) as Watermark | undefined;
  }

  watermarks(): Watermark[] {
    return this.s.allWatermarks.all() as Watermark[];
  }

  /** Applies one file's events and advances its watermark, atomically. */
  readonly applyLedger = (source: SourceFile, events: LocatedEvent[], wm: WatermarkUpdate): void =>
    this.db.transaction(() => {
      let row = (this.s.getSession.get(source.session) as SessionRow | undefined) ?? null;
      for (const located of events) {
        this.s.putEvent.run(eventRow(located));
        row = foldSessionInPlace(row, located.event, source.host);
      }
      if (row) this.s.putSession.run(row);
      this.putWatermark(source, wm);
    })();

  readonly applyAudit = (source: SourceFile, rows: AuditRow[], wm: WatermarkUpdate): void =>
    this.db.transaction(() => {
      for (const r of rows) this.s.putAudit.run(r);
      this.putWatermark(source, wm);
    })();

  readonly applyApprovals = (source: SourceFile, rows: ApprovalRow[], wm: WatermarkUpdate): void =>
    this.db.transaction(() => {
      for (const r of rows) this.s.putApproval.run(r);
      this.putWatermark(source, wm);
    })();

  /** Forgets everything that came from one source file (before re-importing it from the start). */
  readonly forgetSource = (source: SourceFile): void =>
    this.db.transaction(() => {
      if (source.kind === "ledger") {
        this.s.deleteEvents.run(source.session);
        this.s.deleteSession.run(source.session);
      } else if (source.kind === "audit") this.s.deleteAudit.run(source.host);
      else this.s.deleteApprovals.run(source.host);
      this.s.deleteWatermark.run(source.rel);
    })();

  private putWatermark(source: SourceFile, wm: WatermarkUpdate): void {
    this.s.putWatermark.run({ ...wm, path: source.rel, surface: surfaceOf(source), sync_version: SYNC_VERSION });
  }
}

function prepare(db: Database.Database) {
  return {
    getWatermark: db.prepare("SELECT * FROM watermarks WHERE path = ?"),
    allWatermarks: db.prepare("SELECT * FROM watermarks ORDER BY path"),
    putWatermark: db.prepare(
      `INSERT INTO watermarks (path, surface, size, mtime_ms, inode, tail_hash, offset, last_seq, sync_version)
       VALUES (@path, @surface, @size, @mtime_ms, @inode, @tail_hash, @offset, @last_seq, @sync_version)
       ON CONFLICT (path) DO UPDATE SET surface = excluded.surface, size = excluded.size, mtime_ms = excluded.mtime_ms,
         inode = excluded.inode, tail_hash = excluded.tail_hash, offset = excluded.offset, last_seq = excluded.last_seq,
         sync_version = excluded.sync_version`,
    ),
    deleteWatermark: db.prepare("DELETE FROM watermarks WHERE path = ?"),
    getSession: db.prepare("SELECT * FROM sessions WHERE id = ?"),
    putSession: db.prepare(
      `INSERT OR REPLACE INTO sessions (id, host, kind, title, state, created_at, updated_at, last_seq, meta, archived, info)
       VALUES (@id, @host, @kind, @title, @state, @created_at, @updated_at, @last_seq, @meta, @archived, @info)`,
    ),
    deleteSession: db.prepare("DELETE FROM sessions WHERE id = ?"),
    putEvent: db.prepare(
      "INSERT OR REPLACE INTO events (session, seq, ts, kind, data, src_offset, src_length) VALUES (@session, @seq, @ts, @kind, @data, @src_offset, @src_length)",
    ),
    deleteEvents: db.prepare("DELETE FROM events WHERE session = ?"),
    putAudit: db.prepare(
      `INSERT OR REPLACE INTO audit (host, seq, ts, action, outcome, vault, name, kind, record)
       VALUES (@host, @seq, @ts, @action, @outcome, @vault, @name, @kind, @record)`,
    ),
    deleteAudit: db.prepare("DELETE FROM audit WHERE host = ?"),
    putApproval: db.prepare("INSERT OR REPLACE INTO approvals (host, seq, ts, record) VALUES (@host, @seq, @ts, @record)"),
    deleteApprovals: db.prepare("DELETE FROM approvals WHERE host = ?"),
  };
}
