// The SQLite projection (run/<host>/projection.sqlite): WAL, one writer connection, statements
// prepared once, every write inside one synchronous transaction together with the watermark of
// the source file it came from. Opened read-only too, by no-daemon reads and doctor.
import Database from "better-sqlite3";
import { RULES_VERSION } from "../masking/rules.js";
import { refuseSymlink } from "../platform/nofollow.js";
import {
  foldSessionInPlace,
  eventRow,
  transcriptSessionRow,
  type ApprovalRow,
  type AuditRow,
  type ImportedSession,
  type LocatedEvent,
  type SessionRow,
  type TranscriptEventRow,
} from "./rows.js";
import { SCHEMA, SCHEMA_VERSION, SYNC_VERSION, type Surface, tuneSearch } from "./schema.js";
import { isTranscript, type SourceFile } from "./sources.js";
import { prepare } from "./statements.js";

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
  kind: string;
  head_hash: string;
  mask_version: number;
  masked: number;
  state: string | null;
  missing: number;
  session: string | null;
  /** Ledgers: how far (bytes) search documents have been made. */
  indexed: number;
}

export type WatermarkStat = Pick<Watermark, "size" | "mtime_ms" | "inode" | "offset" | "missing" | "sync_version" | "mask_version">;

/** What a batch of applied lines advances its file's watermark to. */
export type WatermarkUpdate = Omit<
  Watermark,
  "path" | "surface" | "sync_version" | "kind" | "mask_version" | "masked" | "state" | "missing" | "head_hash" | "session" | "indexed"
> &
  Partial<Pick<Watermark, "masked" | "state" | "head_hash">>;

const surfaceOf = (s: SourceFile): Surface => (s.kind === "audit" || s.kind === "approvals" ? s.kind : "events");

/** A session's rev after a write: above its last one and (in microseconds) unique in practice, even across a delete and re-insert. */
const nextRev = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

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
    // SQLite opens by path and follows links: the database and its side files are checked first (see refuseSymlink for the window).
    for (const ext of ["", "-wal", "-shm", "-journal"]) refuseSymlink(path + ext);
    const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    try {
      db.pragma("busy_timeout = 5000");
      if (!opts.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
        const version = db.pragma("user_version", { simple: true }) as number;
        if (version > SCHEMA_VERSION) throw new Error(`projection schema ${version} is newer than this warden (${SCHEMA_VERSION})`);
        // Derived data: an older layout is rebuilt from the sources rather than migrated.
        if (version !== 0 && version < SCHEMA_VERSION)
          throw new Error(`projection schema ${version} is older than this warden's (${SCHEMA_VERSION}); it is rebuilt`);
        db.exec(SCHEMA);
        tuneSearch(db);
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

  /** Every watermark without its importer state (kilobytes each): for status. */
  watermarkHeads(): Array<Omit<Watermark, "state">> {
    return this.s.watermarkHeads.all() as Array<Omit<Watermark, "state">>;
  }

  /** What a reconcile pass compares a stat with, for every file: as little as a pass over 10,000 needs. */
  watermarkStats(): Map<string, WatermarkStat> {
    const out = new Map<string, WatermarkStat>();
    for (const [path, size, mtime_ms, inode, offset, missing, sync_version, mask_version] of this.s.watermarkStats.raw().iterate() as Iterable<
      [string, ...number[]]
    >) {
      out.set(path, {
        size: size!,
        mtime_ms: mtime_ms!,
        inode: inode!,
        offset: offset!,
        missing: missing!,
        sync_version: sync_version!,
        mask_version: mask_version!,
      });
    }
    return out;
  }

  /**
   * Applies one file's events and advances its watermark, atomically. Their search documents are
   * made later, by the ledger indexer (ledger-index.ts): terminal output arrives faster than FTS5
   * indexes it, and recording must not wait for search.
   */
  readonly applyLedger = (source: SourceFile, events: LocatedEvent[], wm: WatermarkUpdate): void =>
    this.db.transaction(() => {
      let row = (this.s.getSession.get(source.session) as SessionRow | undefined) ?? null;
      for (const located of events) {
        this.s.putEvent.run({ ...eventRow(located), mask_version: 0 });
        row = foldSessionInPlace(row, located.event, source.host);
      }
      if (row) this.s.putSession.run({ ...row, source: "warden", rev: nextRev() });
      this.putWatermark(source, wm);
    })();

  /**
   * Search documents for a ledger's events, in file order, and how far they now reach (`indexed`,
   * a byte offset; `fresh` first drops the session's documents: a new rules version re-masks them).
   */
  readonly indexLedger = (
    source: SourceFile,
    docs: Array<{ seq: number; ts: string; kind: string; text: string }>,
    indexed: number,
    masked: number,
    fresh: boolean,
  ): void =>
    this.db.transaction(() => {
      if (fresh) this.s.deleteDocs.run(source.session);
      for (const d of docs) this.s.putDoc.run({ session: source.session, ...d });
      this.s.setIndexed.run({ path: source.rel, indexed, masked, mask_version: RULES_VERSION });
    })();

  /** A ledger whose search documents lag its events (or were masked by older rules), if any. */
  unindexedLedgers(): Array<{ path: string; indexed: number; offset: number; mask_version: number }> {
    return this.s.unindexed.all(RULES_VERSION) as Array<{ path: string; indexed: number; offset: number; mask_version: number }>;
  }

  /**
   * Applies a batch of an imported transcript: its events (masked already), the session as folded
   * so far, and the watermark with the importer's state. `reset` starts the file over (a rewritten
   * file, a new rules version): done in one batch (`final`, the file read to its end), what the
   * file gave before is forgotten in the same transaction; in slices, the new rows are staged
   * apart and replace the live ones in the transaction of the final batch, so readers and sinks
   * never see the session truncated.
   */
  readonly applyTranscript = (
    source: SourceFile,
    session: ImportedSession,
    events: TranscriptEventRow[],
    wm: WatermarkUpdate & { last_seq: number },
    reset: boolean,
    final: boolean,
  ): void =>
    this.db.transaction(() => {
      const s = source.session!;
      if (reset) {
        this.s.deleteStaged.run(s);
        this.s.unstage.run(s);
        if (final) this.forgetRows(source);
        else this.s.stage.run(s);
      }
      if (this.s.isStaged.get(s)) {
        for (const e of events)
          this.s.putStaged.run({ session: s, seq: e.seq, ts: e.ts, kind: e.kind, data: e.data, src_offset: e.offset, src_length: e.length, text: e.text });
        if (final) {
          this.s.deleteEvents.run(s);
          this.s.deleteDocs.run(s);
          this.s.deleteSession.run(s);
          this.s.unstageEvents.run({ session: s, mask_version: RULES_VERSION });
          this.s.unstageDocs.run(s);
          this.s.deleteStaged.run(s);
          this.s.unstage.run(s);
          if (wm.last_seq > 0) this.s.putSession.run({ ...transcriptSessionRow(session, source, wm.last_seq), rev: nextRev() });
        }
        this.putWatermark(source, wm);
        return;
      }
      for (const e of events) {
        this.s.putEvent.run({
          session: source.session,
          seq: e.seq,
          ts: e.ts,
          kind: e.kind,
          data: e.data,
          src_offset: e.offset,
          src_length: e.length,
          mask_version: RULES_VERSION,
        });
        if (e.text !== "") this.s.putDoc.run({ session: source.session, seq: e.seq, ts: e.ts, kind: e.kind, text: e.text });
        else if (e.replaced) this.s.deleteDoc.run(source.session, e.seq);
      }
      if (wm.last_seq > 0) this.s.putSession.run({ ...transcriptSessionRow(session, source, wm.last_seq), rev: nextRev() });
      this.putWatermark(source, wm);
    })();

  /** The file is gone: its rows stay, marked, until it comes back (then it is re-imported or resumed). */
  readonly markMissing = (source: SourceFile, missing: boolean): void =>
    this.db.transaction(() => {
      this.s.setWatermarkMissing.run(missing ? 1 : 0, source.rel);
      if (source.session !== undefined) this.s.setSessionMissing.run({ missing: missing ? 1 : 0, rev: nextRev(), session: source.session });
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
  readonly forgetSource = (source: SourceFile): void => this.db.transaction(() => this.forgetRows(source))();

  private forgetRows(source: SourceFile): void {
    if (source.kind === "ledger" || isTranscript(source.kind)) {
      this.s.deleteEvents.run(source.session);
      this.s.deleteDocs.run(source.session);
      this.s.deleteSession.run(source.session);
      this.s.deleteStaged.run(source.session);
      this.s.unstage.run(source.session);
    } else if (source.kind === "audit") this.s.deleteAudit.run(source.host);
    else this.s.deleteApprovals.run(source.host);
    this.s.deleteWatermark.run(source.rel);
    this.s.deleteState.run(source.rel);
  }

  private putWatermark(source: SourceFile, wm: WatermarkUpdate): void {
    const prev = wm.head_hash === undefined || wm.masked === undefined ? this.watermark(source.rel) : undefined;
    this.s.putWatermark.run({
      size: wm.size,
      mtime_ms: wm.mtime_ms,
      inode: wm.inode,
      tail_hash: wm.tail_hash,
      offset: wm.offset,
      last_seq: wm.last_seq,
      path: source.rel,
      surface: surfaceOf(source),
      sync_version: SYNC_VERSION,
      kind: source.kind,
      head_hash: wm.head_hash ?? prev?.head_hash ?? "",
      // A ledger's rows are not masked here (they were when recorded); its version is its search documents', set by the indexer.
      mask_version: source.kind === "ledger" ? null : RULES_VERSION,
      masked: wm.masked ?? prev?.masked ?? 0,
      session: source.session ?? null,
    });
    if (wm.state !== undefined && wm.state !== null) this.s.putState.run(source.rel, wm.state);
  }
}
