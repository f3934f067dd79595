// The projection's schema. Derived data only: every row comes from a source file under
// $WARDEN_HOME, and `watermarks` records, per source file, how far it has been applied — written
// in the same transaction as the rows, so a crash can never leave the two disagreeing.
export const SCHEMA_VERSION = 3; // 2: sessions.archived and sessions.info (PTY and task sessions); 3: events point at their source line

/** Bumped when how sources map to rows changes: every watermark of an older version is replayed. */
export const SYNC_VERSION = 1;

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
  info TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_host_state ON sessions (host, state, id);

CREATE TABLE IF NOT EXISTS events (
  session TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT,
  src_offset INTEGER NOT NULL,
  src_length INTEGER NOT NULL,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;

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
  sync_version INTEGER NOT NULL
) WITHOUT ROWID;
`;

export type Surface = "sessions" | "events" | "audit" | "approvals";
export const SURFACES: readonly Surface[] = ["sessions", "events", "audit", "approvals"];
