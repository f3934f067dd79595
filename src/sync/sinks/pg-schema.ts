// The PostgreSQL schema a push writes, created and migrated by warden. Versioned: each applied
// migration is a row of warden_schema_version; migrations run in one transaction under an advisory
// lock, so two hosts starting at once cannot both apply one. A database already at the latest
// version is only read (no lock, no write).
//
//   warden_sessions (host, id) PK: the session's fields as in the projection, plus
//     fingerprint         sha256 of what was pushed (session fields and events): equal → skip
//     events_fingerprint  sha256 chain over the pushed events, through events_last_seq
//     events_last_seq     the highest seq pushed; a prefix match up to it means "only appended since"
//     pushed_at           when the row last changed
//   warden_events (host, session, seq) PK: ts (text: byte-exact ISO-8601 as recorded), kind, data jsonb.
//   warden_checkpoints (host, size) PK: each host's signed audit checkpoints (origin, base64 root,
//     hex key id, the note's text), the first note for a size kept (pg-checkpoints.ts)
//
// Timestamps stay text so they round-trip exactly (transcripts carry their tools' own precision);
// ISO-8601 in UTC compares correctly as text, and `ts::timestamptz` converts when needed.
import type pg from "pg";
import { RpcError } from "../../rpc/errors.js";

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "sessions and events",
    sql: `
      CREATE TABLE warden_sessions (
        host text NOT NULL,
        id text NOT NULL,
        kind text NOT NULL,
        title text,
        state text NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        last_seq bigint NOT NULL,
        meta jsonb,
        archived boolean NOT NULL DEFAULT false,
        info jsonb,
        fingerprint text NOT NULL,
        events_fingerprint text NOT NULL,
        events_last_seq bigint NOT NULL,
        pushed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (host, id)
      );
      CREATE TABLE warden_events (
        host text NOT NULL,
        session text NOT NULL,
        seq bigint NOT NULL,
        ts text NOT NULL,
        kind text NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (host, session, seq)
      );`,
  },
  {
    version: 2,
    description: "imported transcripts (source, source_missing); indexes for time queries",
    sql: `
      ALTER TABLE warden_sessions
        ADD COLUMN source text NOT NULL DEFAULT 'warden',
        ADD COLUMN source_missing boolean NOT NULL DEFAULT false;
      CREATE INDEX warden_sessions_by_updated ON warden_sessions (updated_at);
      CREATE INDEX warden_events_by_ts ON warden_events (ts);`,
  },
  {
    version: 3,
    description: "signed audit checkpoints of every host (a team server is a witness)",
    sql: `
      CREATE TABLE warden_checkpoints (
        host text NOT NULL,
        size bigint NOT NULL,
        origin text NOT NULL,
        root text NOT NULL,
        key_id text NOT NULL,
        note text NOT NULL,
        pushed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (host, size)
      );`,
  },
];

export const PG_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** pg_advisory_xact_lock key for migrations ("warden" in ASCII). */
const MIGRATION_LOCK = "131260414715246";

async function currentVersion(client: pg.ClientBase): Promise<number> {
  const r = await client.query<{ v: number | null }>("SELECT CASE WHEN to_regclass('warden_schema_version') IS NULL THEN NULL ELSE 0 END AS v");
  if (r.rows[0]!.v === null) return 0;
  const m = await client.query<{ v: number }>("SELECT coalesce(max(version), 0)::int AS v FROM warden_schema_version");
  return m.rows[0]!.v;
}

function tooNew(version: number): RpcError {
  return new RpcError("conflict", `the PostgreSQL schema is at version ${version}, newer than this warden's (${PG_SCHEMA_VERSION}): upgrade warden`, {
    reason: "schema_newer",
    version,
    supported: PG_SCHEMA_VERSION,
  });
}

/** Brings the schema to PG_SCHEMA_VERSION. Idempotent; returns the version found and the one left. */
export async function migrateSchema(client: pg.ClientBase): Promise<{ from: number; to: number; applied: number[] }> {
  const found = await currentVersion(client);
  if (found === PG_SCHEMA_VERSION) return { from: found, to: found, applied: [] };
  if (found > PG_SCHEMA_VERSION) throw tooNew(found);
  await client.query("BEGIN");
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await client.query(
      "CREATE TABLE IF NOT EXISTS warden_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const from = await currentVersion(client); // another host may have migrated meanwhile
    if (from > PG_SCHEMA_VERSION) throw tooNew(from);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO warden_schema_version (version, description) VALUES ($1, $2)", [m.version, m.description]);
      applied.push(m.version);
    }
    await client.query("COMMIT");
    return { from, to: PG_SCHEMA_VERSION, applied };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
