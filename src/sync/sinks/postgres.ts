// Push to PostgreSQL: one-way, masked, idempotent. What the projection holds goes to a team's
// PostgreSQL; a re-push of unchanged data writes nothing.
//
//   const sink = await PostgresSink.connect("postgres://user:pw@db:5432/team", { connectTimeoutMs: 10_000 });
//   const r = await sink.push(db, { home, secrets, onProgress });   // creates/migrates the schema first
//   // r: { sessions, pushedSessions, unchangedSessions, failedSessions, failures, insertedRows, updatedRows, deletedRows, durationMs }
//   await sink.close();
//
// - `PostgresSink.connect(url, opts)` validates the URL (RpcError invalid_params) and connects
//   (RpcError unavailable: refused, unreachable, connect timeout, authentication failed, no such
//   database). `PostgresSink.create(url, opts)` only validates: the first push connects. Messages
//   and error details show `sink.target` (the URL without its password), never the password.
// - `push(db, opts)`: `db` is a projection connection (read-only is fine) that nothing else uses
//   during the push. It reads sessions and events, loads events whose line lives only in the
//   ledger (masking them again with `opts.secrets` and the token rules), and writes per session
//   only what changed (see plan.ts), small sessions batched into one transaction, a large one in
//   its own; a session's fingerprint is updated in the same transaction as its rows, so an
//   interrupted push resumes correctly. A lost connection is re-opened by the next push (and the
//   schema re-checked). Sessions are never deleted from PostgreSQL: it keeps a team's history.
// - Between pushes the sink remembers, per session, the change token (rev, last seq, …) it last
//   saw PostgreSQL hold the same fingerprint for: a session whose token is unchanged is not read
//   again. This trusts that nothing else rewrites warden's tables meanwhile; a new sink (or a
//   reconnect) checks everything once.
// - Each host's audit checkpoints (audit/<host>.checkpoints, only `onlyHost`'s when given) go to
//   warden_checkpoints, the first note for a (host, size) kept: `checkpoints` counts new rows,
//   `checkpointConflicts` notes PostgreSQL already held a different one for (pg-checkpoints.ts).
// - `migrate()` creates or migrates the schema (pg-schema.ts); `push` calls it once per connection.
import type Database from "better-sqlite3";
import pg from "pg";
import { SecretValues } from "../../masking/secret-values.js";
import { RpcError } from "../../rpc/errors.js";
import { ProjectionReader } from "../../projection/reader.js";
import { OutgoingEvents } from "./outgoing.js";
import { CheckpointPusher } from "./pg-checkpoints.js";
import { migrateSchema, PG_SCHEMA_VERSION } from "./pg-schema.js";
import { isStatementError, parseTarget, PgError, pgFailure, type PgTarget } from "./pg-target.js";
import { PushRun, type PushOptions, type PushResult } from "./push-run.js";

export { PG_SCHEMA_VERSION };
export type { PushOptions, PushProgress, PushResult, SessionOutcome } from "./push-run.js";

export interface PostgresSinkOptions {
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Give up on one statement after this long (default 120 s); the connection is then re-opened. */
  queryTimeoutMs?: number;
}

export class PostgresSink {
  /** The URL without its password: safe to print. */
  readonly target: string;
  private client: pg.Client | null = null;
  private migrated = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Per session: the change token PostgreSQL was last seen holding our fingerprint at. */
  private readonly known = new Map<string, string>();
  /** Each host's audit checkpoints, pushed after the sessions (pg-checkpoints.ts). */
  private readonly checkpoints = new CheckpointPusher();

  private constructor(
    private readonly t: PgTarget,
    private readonly opts: PostgresSinkOptions,
  ) {
    this.target = t.display;
  }

  static create(url: string, opts: PostgresSinkOptions = {}): PostgresSink {
    return new PostgresSink(parseTarget(url), opts);
  }

  static async connect(url: string, opts: PostgresSinkOptions = {}): Promise<PostgresSink> {
    const sink = PostgresSink.create(url, opts);
    await sink.connection();
    return sink;
  }

  /** Creates or migrates warden's tables; idempotent. */
  migrate(): Promise<{ from: number; to: number; applied: number[] }> {
    return this.serial(async () => {
      const client = await this.connection();
      try {
        const r = await migrateSchema(client);
        this.migrated = true;
        return r;
      } catch (err) {
        throw this.failed(err, "migrating the schema");
      }
    });
  }

  push(db: Database.Database, opts: PushOptions): Promise<PushResult> {
    return this.serial(() => this.pushNow(db, opts));
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => {});
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.t.connectionString,
      connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 10_000,
      query_timeout: this.opts.queryTimeoutMs ?? 120_000,
      application_name: "warden",
      keepAlive: true,
    });
    // A server restart or a dropped connection arrives as an 'error' event: never let it crash us.
    const drop = () => {
      if (this.client === client) this.client = null;
    };
    client.on("error", drop);
    client.on("end", drop);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw pgFailure(err, this.t, "connecting");
    }
    this.client = client;
    this.migrated = false;
    this.known.clear(); // a new connection may find another database state: check everything once
    this.checkpoints.reset();
    return client;
  }

  /** The RpcError for `err`; a connection-level failure also drops the connection. */
  private failed(err: unknown, doing: string): RpcError {
    if (!isStatementError(err) && !(err instanceof RpcError)) {
      const c = this.client;
      this.client = null;
      c?.end().catch(() => {});
    }
    return pgFailure(err, this.t, doing);
  }

  private async pushNow(db: Database.Database, opts: PushOptions): Promise<PushResult> {
    const started = Date.now();
    const client = await this.connection();
    if (!this.migrated) {
      try {
        await migrateSchema(client);
        this.migrated = true;
      } catch (err) {
        throw this.failed(err, "migrating the schema");
      }
    }
    const run = new PushRun(client, ProjectionReader.of(db), new OutgoingEvents(opts.home, opts.secrets ?? new SecretValues()), this.known, opts);
    let cp: { inserted: number; conflicting: number };
    try {
      await run.all();
      cp = await this.checkpoints.push(client, opts.home, opts.onlyHost);
    } catch (err) {
      // PostgreSQL's failures become RpcErrors; the projection's (or a progress callback's) pass as they are.
      throw err instanceof PgError ? this.failed(err, "pushing") : err;
    }
    return { ...run.result, checkpoints: cp.inserted, checkpointConflicts: cp.conflicting, durationMs: Date.now() - started };
  }
}
