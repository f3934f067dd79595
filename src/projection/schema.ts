// The projection's schema. Derived data only: every row comes from a source file under
// $WARDEN_HOME, and `watermarks` records, per source file, how far it has been applied — written
// in the same transaction as the rows, so a crash can never leave the two disagreeing.
import type Database from "better-sqlite3";

export const SCHEMA_VERSION = 4; // 2: sessions.archived and sessions.info (PTY and task sessions); 3: events point at their source line; 4: imported transcripts, search, mask versions

/** Bumped when how sources map to rows changes: every watermark of an older version is replayed. */
export const SYNC_VERSION = 2; // 2: search documents, head hashes, imported transcripts

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  meta TEXT,
  archived INTEGER NOT NULL DEFAULT 0,
  info TEXT,
  -- warden (its own ledgers), claude-code or codex (imported transcripts)
  source TEXT NOT NULL DEFAULT 'warden',
  -- 1 once the file the session came from is gone: its history stays
  source_missing INTEGER NOT NULL DEFAULT 0,
  -- bumped by every write to the session or its events: sinks skip sessions whose rev they pushed
  rev INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_host_state ON sessions (host, state, id);
CREATE INDEX IF NOT EXISTS sessions_by_created ON sessions (created_at, id);

CREATE TABLE IF NOT EXISTS events (
  session TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT,
  src_offset INTEGER NOT NULL,
  src_length INTEGER NOT NULL,
  -- the masking rules version the row's text was masked with (0: recorded by warden, masked at write)
  mask_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;

-- Full-text search over masked text: one document per searchable event (external-content FTS5,
-- kept in step by triggers, so a re-import is a plain DELETE/INSERT on search_docs).
CREATE TABLE IF NOT EXISTS search_docs (
  id INTEGER PRIMARY KEY,
  session TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (session, seq)
);
CREATE INDEX IF NOT EXISTS search_docs_by_ts ON search_docs (ts);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(text, content='search_docs', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER IF NOT EXISTS search_docs_ai AFTER INSERT ON search_docs BEGIN
  INSERT INTO search (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS search_docs_ad AFTER DELETE ON search_docs BEGIN
  INSERT INTO search (search, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER IF NOT EXISTS search_docs_au AFTER UPDATE ON search_docs BEGIN
  INSERT INTO search (search, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO search (rowid, text) VALUES (new.id, new.text);
END;

CREATE TABLE IF NOT EXISTS audit (
  host TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  vault TEXT,
  name TEXT,
  kind TEXT,
  record TEXT NOT NULL,
  PRIMARY KEY (host, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_by_ts ON audit (ts);

CREATE TABLE IF NOT EXISTS approvals (
  host TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (host, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS watermarks (
  path TEXT PRIMARY KEY,
  surface TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  inode INTEGER NOT NULL,
  tail_hash TEXT NOT NULL,
  offset INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  sync_version INTEGER NOT NULL,
  -- ledger, audit, approvals, claude-code, codex
  kind TEXT NOT NULL DEFAULT 'ledger',
  -- sha256 of the file's first min(offset, 4 KiB) bytes: with tail_hash, tells a rewrite from an append
  head_hash TEXT NOT NULL DEFAULT '',
  mask_version INTEGER NOT NULL DEFAULT 0,
  -- secrets masked in the rows from this file
  masked INTEGER NOT NULL DEFAULT 0,
  -- 1 while the file is gone (its rows stay)
  missing INTEGER NOT NULL DEFAULT 0,
  -- the session its rows belong to (ledgers, transcripts): a transcript moved to another path keeps its id
  session TEXT,
  -- ledgers: the byte offset up to which search documents exist (made in the background)
  indexed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- An importer's state after a transcript's last applied line (JSON, kilobytes), so an append
-- resumes without re-reading. Apart from the watermarks, which a reconcile pass scans whole.
CREATE TABLE IF NOT EXISTS import_state (
  path TEXT PRIMARY KEY,
  state TEXT NOT NULL
);

-- A transcript re-imported from its start in slices is built here, apart from its live rows
-- (which readers and sinks keep seeing whole), and swapped in, in one transaction, once the whole
-- file is read. staging holds the sessions being built (a crash resumes the build).
CREATE TABLE IF NOT EXISTS staging (session TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS staged_events (
  session TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT,
  src_offset INTEGER NOT NULL,
  src_length INTEGER NOT NULL,
  -- its search document's text ('' when not searchable)
  text TEXT NOT NULL,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;
`;

export type Surface = "sessions" | "events" | "audit" | "approvals";
export const SURFACES: readonly Surface[] = ["sessions", "events", "audit", "approvals"];

/**
 * FTS5 merges its index segments as it goes; by default (automerge 4) an import spends more time
 * merging than indexing. Merging 16 segments at a time roughly halves that, at the cost of a few
 * more segments for queries to visit. Stored in the index's own config, set once.
 */
export function tuneSearch(db: Database.Database): void {
  const set = db.prepare("SELECT v FROM search_config WHERE k = 'automerge'").get() as { v: number } | undefined;
  if (set?.v === 16) return;
  db.exec("INSERT INTO search (search, rank) VALUES ('automerge', 16); INSERT INTO search (search, rank) VALUES ('crisismerge', 64)");
}
