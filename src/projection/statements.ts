// Every statement the projection's writer runs, prepared once when it opens.
import type Database from "better-sqlite3";

export function prepare(db: Database.Database) {
  return {
    getWatermark: db.prepare("SELECT w.*, s.state FROM watermarks w LEFT JOIN import_state s ON s.path = w.path WHERE w.path = ?"),
    allWatermarks: db.prepare("SELECT w.*, s.state FROM watermarks w LEFT JOIN import_state s ON s.path = w.path ORDER BY w.path"),
    watermarkHeads: db.prepare("SELECT * FROM watermarks"),
    watermarkStats: db.prepare("SELECT path, size, mtime_ms, inode, offset, missing, sync_version, mask_version FROM watermarks"),
    putState: db.prepare("INSERT INTO import_state (path, state) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET state = excluded.state"),
    deleteState: db.prepare("DELETE FROM import_state WHERE path = ?"),
    putWatermark: db.prepare(
      `INSERT INTO watermarks (path, surface, size, mtime_ms, inode, tail_hash, offset, last_seq, sync_version, kind, head_hash, mask_version, masked, missing, session)
       VALUES (@path, @surface, @size, @mtime_ms, @inode, @tail_hash, @offset, @last_seq, @sync_version, @kind, @head_hash, coalesce(@mask_version, 0), @masked, 0, @session)
       ON CONFLICT (path) DO UPDATE SET surface = excluded.surface, size = excluded.size, mtime_ms = excluded.mtime_ms,
         inode = excluded.inode, tail_hash = excluded.tail_hash, offset = excluded.offset, last_seq = excluded.last_seq,
         sync_version = excluded.sync_version, kind = excluded.kind, head_hash = excluded.head_hash,
         mask_version = coalesce(@mask_version, watermarks.mask_version), masked = excluded.masked, missing = 0,
         session = excluded.session`,
    ),
    deleteWatermark: db.prepare("DELETE FROM watermarks WHERE path = ?"),
    setWatermarkMissing: db.prepare("UPDATE watermarks SET missing = ? WHERE path = ?"),
    setIndexed: db.prepare("UPDATE watermarks SET indexed = @indexed, masked = @masked, mask_version = @mask_version WHERE path = @path"),
    unindexed: db.prepare(
      "SELECT path, indexed, offset, mask_version FROM watermarks WHERE kind = 'ledger' AND (indexed < offset OR mask_version != ?) LIMIT 1",
    ),
    getSession: db.prepare("SELECT * FROM sessions WHERE id = ?"),
    // An upsert, not INSERT OR REPLACE: the row keeps its rowid-less identity and source_missing resets.
    putSession: db.prepare(
      `INSERT INTO sessions (id, host, kind, title, state, created_at, updated_at, last_seq, meta, archived, info, source, source_missing, rev)
       VALUES (@id, @host, @kind, @title, @state, @created_at, @updated_at, @last_seq, @meta, @archived, @info, @source, 0, @rev)
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, kind = excluded.kind, title = excluded.title, state = excluded.state,
         created_at = excluded.created_at, updated_at = excluded.updated_at, last_seq = excluded.last_seq, meta = excluded.meta,
         archived = excluded.archived, info = excluded.info, source = excluded.source, source_missing = 0,
         rev = max(excluded.rev, sessions.rev + 1)`,
    ),
    // A session is missing its source only when no file still present feeds it (a moved transcript keeps its id).
    setSessionMissing: db.prepare(
      `UPDATE sessions SET source_missing = @missing, rev = max(@rev, rev + 1)
       WHERE id = @session AND (@missing = 0 OR NOT EXISTS (SELECT 1 FROM watermarks WHERE session = @session AND missing = 0))`,
    ),
    deleteSession: db.prepare("DELETE FROM sessions WHERE id = ?"),
    putEvent: db.prepare(
      `INSERT OR REPLACE INTO events (session, seq, ts, kind, data, src_offset, src_length, mask_version)
       VALUES (@session, @seq, @ts, @kind, @data, @src_offset, @src_length, @mask_version)`,
    ),
    deleteEvents: db.prepare("DELETE FROM events WHERE session = ?"),
    putDoc: db.prepare(
      `INSERT INTO search_docs (session, seq, ts, kind, text) VALUES (@session, @seq, @ts, @kind, @text)
       ON CONFLICT (session, seq) DO UPDATE SET ts = excluded.ts, kind = excluded.kind, text = excluded.text`,
    ),
    deleteDoc: db.prepare("DELETE FROM search_docs WHERE session = ? AND seq = ?"),
    deleteDocs: db.prepare("DELETE FROM search_docs WHERE session = ?"),
    stage: db.prepare("INSERT OR IGNORE INTO staging (session) VALUES (?)"),
    unstage: db.prepare("DELETE FROM staging WHERE session = ?"),
    isStaged: db.prepare("SELECT 1 AS staged FROM staging WHERE session = ?").pluck(),
    putStaged: db.prepare(
      `INSERT OR REPLACE INTO staged_events (session, seq, ts, kind, data, src_offset, src_length, text)
       VALUES (@session, @seq, @ts, @kind, @data, @src_offset, @src_length, @text)`,
    ),
    deleteStaged: db.prepare("DELETE FROM staged_events WHERE session = ?"),
    unstageEvents: db.prepare(
      `INSERT INTO events (session, seq, ts, kind, data, src_offset, src_length, mask_version)
       SELECT session, seq, ts, kind, data, src_offset, src_length, @mask_version FROM staged_events WHERE session = @session ORDER BY seq`,
    ),
    unstageDocs: db.prepare(
      "INSERT INTO search_docs (session, seq, ts, kind, text) SELECT session, seq, ts, kind, text FROM staged_events WHERE session = ? AND text != '' ORDER BY seq",
    ),
    putAudit: db.prepare(
      `INSERT OR REPLACE INTO audit (host, seq, ts, action, outcome, vault, name, kind, record)
       VALUES (@host, @seq, @ts, @action, @outcome, @vault, @name, @kind, @record)`,
    ),
    deleteAudit: db.prepare("DELETE FROM audit WHERE host = ?"),
    putApproval: db.prepare("INSERT OR REPLACE INTO approvals (host, seq, ts, record) VALUES (@host, @seq, @ts, @record)"),
    deleteApprovals: db.prepare("DELETE FROM approvals WHERE host = ?"),
  };
}
