// Push to PostgreSQL against a real server (test/helpers/postgres.ts) and a real projection built
// from real ledger files, plus imported-transcript sessions inserted the way the importers store
// them. "Writes nothing" is proven from PostgreSQL itself: every row's (ctid, xmin) — any insert,
// update or delete changes that set — and the push's own counters, which come from RETURNING.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import { catchUpAll } from "../../src/sync/catch-up.js";
import { Projection } from "../../src/projection/projection.js";
import { RpcError } from "../../src/rpc/errors.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { deleteRanges } from "../../src/sync/sinks/plan.js";
import { MIGRATIONS, PG_SCHEMA_VERSION } from "../../src/sync/sinks/pg-schema.js";
import { parseTarget, pgFailure } from "../../src/sync/sinks/pg-target.js";
import { pgJson, pgText } from "../../src/sync/sinks/pg-values.js";
import { PostgresSink, type PushOptions, type PushResult } from "../../src/sync/sinks/postgres.js";
import { runCli, wardenBin } from "../helpers/cli.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { postgresUnavailable, startPostgres, type TestPostgres } from "../helpers/postgres.js";

const skip = postgresUnavailable();
const HOST = "testhost";
/** A GitHub token shape the masker knows, built at run time so no source file contains one. */
const TOKEN =
  "ghp_" +
  randomBytes(64)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 36);
const PASSWORD = "pw-" + randomBytes(8).toString("hex");
/** A value the daemon served from a vault: masked because the push is told about it, not by a rule. */
const VAULT_VALUE = "horse-" + randomBytes(6).toString("hex");
/** A URL as shown: without its password and query. */
const shown = (url: string) => url.replace(/:[^:@/]+@/, "@").replace(/\?.*$/, "");

let server: TestPostgres;
let dbCount = 0;

/** A fresh schema on the test server, as a URL that puts it first on the search path. */
async function freshDb(): Promise<string> {
  const name = `t${++dbCount}`;
  await query(server.url, `CREATE SCHEMA ${name}`);
  return `${server.url}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
}

async function query<T extends pg.QueryResultRow = any>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

/** Every row of warden's tables with its physical identity: any write changes this set. */
async function tuples(url: string): Promise<Map<string, string>> {
  const rows = await query<{ k: string; v: string }>(
    url,
    `SELECT 'e|' || host || '|' || session || '|' || seq AS k, ctid::text || '@' || xmin::text AS v FROM warden_events
     UNION ALL SELECT 's|' || host || '|' || id, ctid::text || '@' || xmin::text FROM warden_sessions`,
  );
  return new Map(rows.map((r) => [r.k, r.v]));
}

function changedKeys(before: Map<string, string>, afterMap: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...afterMap.keys()]);
  return [...keys].filter((k) => before.get(k) !== afterMap.get(k)).sort();
}

// ---- a real projection: ledger files imported by catchUpAll, transcripts inserted as importers store them

const ts = (n: number) => `2026-03-01T10:00:${String(n % 60).padStart(2, "0")}.${String(n).padStart(3, "0")}Z`;
const evLine = (session: string, seq: number, kind: string, data: object) => JSON.stringify({ v: 1, session, seq, ts: ts(seq), kind, data }) + "\n";

interface Fixture {
  home: TempHome;
  path: string;
  /** The writer connection (tests change the projection through it). */
  p: Projection;
  ledger(session: string): string;
  sync(): void;
  cleanup(): void;
}

function fixture(opts: { bigSession?: number } = {}): Fixture {
  const home = tempHome();
  const ledgerDir = join(home.home, "ledger", HOST);
  mkdirSync(ledgerDir, { recursive: true, mode: 0o700 });
  mkdirSync(home.runRoot, { recursive: true, mode: 0o700 });
  const ledger = (s: string) => join(ledgerDir, `${s}.jsonl`);
  // s1: a log session with one long output line (kept only in the ledger) carrying a token.
  writeFileSync(
    ledger("s1-ledger"),
    evLine("s1-ledger", 1, "open", { title: "build", kind: "log" }) +
      evLine("s1-ledger", 2, "output", { stream: "pty", text: "hello\n" }) +
      evLine("s1-ledger", 3, "output", {
        stream: "pty",
        text: "x".repeat(1500) + ` export GITHUB_TOKEN=${TOKEN} vault value ${VAULT_VALUE} ` + "y".repeat(500),
      }) +
      evLine("s1-ledger", 4, "output", { stream: "pty", text: "bye\n" }),
  );
  writeFileSync(
    ledger("s2-ledger"),
    evLine("s2-ledger", 1, "open", { title: "tests" }) + evLine("s2-ledger", 2, "note", { n: 2 }) + evLine("s2-ledger", 3, "close", {}),
  );
  if (opts.bigSession) {
    let text = evLine("a-big", 1, "open", { title: "big" });
    for (let s = 2; s <= opts.bigSession; s++)
      text += evLine("a-big", s, "output", { stream: "pty", text: s % 100 === 0 ? `${s} `.repeat(400) : `line ${s}\n` });
    writeFileSync(ledger("a-big"), text);
  }
  const path = join(home.runRoot, "projection.sqlite");
  const p = Projection.open(path);
  const sync = () => {
    const r = catchUpAll(p, home.home);
    assert.deepEqual(r.failed, []);
  };
  sync();
  // t1: an imported Claude Code transcript (data inline, NUL and a lone surrogate in it).
  p.db
    .prepare(
      `INSERT INTO sessions (id, host, kind, title, state, created_at, updated_at, last_seq, meta, archived, info, source, source_missing, rev)
       VALUES ('t1-claude', ?, 'transcript', ?, 'closed', ?, ?, 3, '{"model":"m1"}', 0, NULL, 'claude-code', 0, 1)`,
    )
    .run(HOST, "fix the\u0000 bug", ts(1), ts(3));
  const put = p.db.prepare(
    "INSERT INTO events (session, seq, ts, kind, data, src_offset, src_length, mask_version) VALUES ('t1-claude', ?, ?, ?, ?, ?, 100, 1)",
  );
  put.run(1, ts(1), "user", JSON.stringify({ text: "please fix the bug" }), 0);
  put.run(2, ts(2), "assistant", JSON.stringify({ text: "done\u0000 \ud800 ok" }), 100);
  put.run(3, ts(3), "token_usage", JSON.stringify({ input: 10, output: 20 }), 200);
  return { home, path, p, ledger, sync, cleanup: () => (p.close(), home.cleanup()) };
}

/** One push on a read-only connection of its own, as the CLI and the daemon's sink do. */
async function push(sink: PostgresSink, f: Fixture, opts: Partial<PushOptions> = {}): Promise<PushResult> {
  const db = new Database(f.path, { readonly: true });
  try {
    return await sink.push(db, { home: f.home.home, ...opts });
  } finally {
    db.close();
  }
}

const projectionEvents = (f: Fixture): number => (f.p.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;

/** Each test is skipped, with the reason, where PostgreSQL cannot run: never a silent pass. */
const pgIt = (name: string, fn: () => Promise<void>) => it(name, { skip: skip ?? false }, fn);

describe("sync push to PostgreSQL", () => {
  before(async () => {
    if (!skip) server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  pgIt("first push creates the schema and every session's rows, masked", async () => {
    const f = fixture();
    const url = await freshDb();
    const sink = await PostgresSink.connect(url);
    try {
      const secrets = new SecretValues();
      secrets.add(VAULT_VALUE);
      const r = await push(sink, f, { secrets });
      assert.equal(r.sessions, 3);
      assert.equal(r.pushedSessions, 3);
      assert.equal(r.failedSessions, 0);
      assert.equal(r.insertedRows, 4 + 3 + 3);
      assert.equal(r.updatedRows + r.deletedRows, 0);
      assert.equal(r.masked, 2, "the token and the vault value, in the line read from the ledger");

      const versions = await query(url, "SELECT version FROM warden_schema_version ORDER BY version");
      assert.deepEqual(
        versions.map((v) => v.version),
        MIGRATIONS.map((m) => m.version),
      );
      const sessions = await query(
        url,
        "SELECT host, id, kind, title, state, last_seq::int AS last_seq, meta, archived, source, events_last_seq::int AS els FROM warden_sessions ORDER BY id",
      );
      assert.deepEqual(
        sessions.map((s) => [s.host, s.id, s.title, s.state, s.last_seq, s.source, s.els]),
        [
          [HOST, "s1-ledger", "build", "open", 4, "warden", 4],
          [HOST, "s2-ledger", "tests", "closed", 3, "warden", 3],
          [HOST, "t1-claude", "fix the\ufffd bug", "closed", 3, "claude-code", 3],
        ],
      );
      assert.deepEqual(sessions[2]!.meta, { model: "m1" });
      const events = await query(url, "SELECT session, seq::int AS seq, ts, kind, data FROM warden_events ORDER BY session, seq");
      assert.equal(events.length, 10);
      assert.deepEqual(events[1], { session: "s1-ledger", seq: 2, ts: ts(2), kind: "output", data: { stream: "pty", text: "hello\n" } });
      assert.equal(events.find((e) => e.session === "t1-claude" && e.seq === 2)!.data.text, "done\ufffd \ufffd ok");

      // The long line: not in the projection, read from the ledger, masked on the way out.
      const row = f.p.db.prepare("SELECT data FROM events WHERE session = 's1-ledger' AND seq = 3").get() as { data: string | null };
      assert.equal(row.data, null, "the projection keeps only a pointer to the long line");
      const long = events.find((e) => e.session === "s1-ledger" && e.seq === 3)!.data.text as string;
      assert.ok(long.startsWith("x".repeat(1500)), "loaded from the ledger");
      assert.equal(long.match(/\[MASKED:[a-z_]+\]/g)?.length, 2, "the token and the vault value masked");
      for (const secret of [TOKEN.slice(4), VAULT_VALUE]) {
        const leaks = await query(
          url,
          "SELECT (SELECT count(*) FROM warden_events t WHERE t::text LIKE $1) + (SELECT count(*) FROM warden_sessions t WHERE t::text LIKE $1) AS n",
          [`%${secret}%`],
        );
        assert.equal(Number(leaks[0]!.n), 0, "nowhere in PostgreSQL");
      }
    } finally {
      await sink.close();
      f.cleanup();
    }
  });

  pgIt("a second push writes nothing, with or without the sink's memory of what it pushed", async () => {
    const f = fixture();
    const url = await freshDb();
    const sink = await PostgresSink.connect(url);
    try {
      await push(sink, f);
      const before = await tuples(url);
      assert.equal(before.size, 3 + 10);
      // Same sink: sessions whose change token is unchanged are not even read.
      const again = await push(sink, f);
      assert.deepEqual([again.pushedSessions, again.unchangedSessions, again.insertedRows, again.updatedRows, again.deletedRows], [0, 3, 0, 0, 0]);
      // A new sink: every session re-hashed and compared with PostgreSQL's fingerprints.
      const fresh = await PostgresSink.connect(url);
      const progress: string[] = [];
      const r = await push(fresh, f, { onProgress: (p) => void progress.push(`${p.done}/${p.total} ${p.session} ${p.outcome}`) });
      await fresh.close();
      assert.deepEqual([r.pushedSessions, r.unchangedSessions, r.insertedRows, r.updatedRows, r.deletedRows], [0, 3, 0, 0, 0]);
      assert.deepEqual(progress, ["1/3 s1-ledger unchanged", "2/3 s2-ledger unchanged", "3/3 t1-claude unchanged"]);
      assert.deepEqual(changedKeys(before, await tuples(url)), [], "no row was inserted, updated or deleted");
    } finally {
      await sink.close();
      f.cleanup();
    }
  });

  pgIt("appended events: only the new rows are sent", async () => {
    const f = fixture();
    const url = await freshDb();
    const sink = await PostgresSink.connect(url);
    try {
      await push(sink, f);
      const before = await tuples(url);
      appendFileSync(f.ledger("s1-ledger"), evLine("s1-ledger", 5, "output", { stream: "pty", text: "more\n" }) + evLine("s1-ledger", 6, "close", {}));
      f.sync();
      const progress: string[] = [];
      const r = await push(sink, f, { onProgress: (p) => void progress.push(`${p.session} ${p.outcome} ${p.rows}`) });
      assert.deepEqual([r.pushedSessions, r.insertedRows, r.updatedRows, r.deletedRows], [1, 2, 0, 0]);
      assert.deepEqual(progress, ["s1-ledger appended 2"]);
      assert.deepEqual(changedKeys(before, await tuples(url)), [`e|${HOST}|s1-ledger|5`, `e|${HOST}|s1-ledger|6`, `s|${HOST}|s1-ledger`]);
      const s = await query(url, "SELECT state, last_seq::int AS n, events_last_seq::int AS e FROM warden_sessions WHERE id = 's1-ledger'");
      assert.deepEqual(s[0], { state: "closed", n: 6, e: 6 });
      // And a fresh sink (no memory) agrees nothing is left.
      const fresh = await PostgresSink.connect(url);
      assert.equal((await push(fresh, f)).pushedSessions, 0);
      await fresh.close();
    } finally {
      await sink.close();
      f.cleanup();
    }
  });

  pgIt("a rewritten earlier event updates only that row; removed events are deleted", async () => {
    const f = fixture();
    const url = await freshDb();
    const sink = await PostgresSink.connect(url);
    try {
      await push(sink, f);
      let before = await tuples(url);
      // A rescan of the transcript changed event 2 (and the importer bumps rev).
      f.p.db.prepare("UPDATE events SET data = ? WHERE session = 't1-claude' AND seq = 2").run(JSON.stringify({ text: "done, for real" }));
      f.p.db.prepare("UPDATE sessions SET rev = rev + 1 WHERE id = 't1-claude'").run();
      let r = await push(sink, f);
      assert.deepEqual([r.pushedSessions, r.insertedRows, r.updatedRows, r.deletedRows], [1, 0, 1, 0]);
      assert.deepEqual(changedKeys(before, await tuples(url)), [`e|${HOST}|t1-claude|2`, `s|${HOST}|t1-claude`]);
      const e2 = await query(url, "SELECT data FROM warden_events WHERE session = 't1-claude' AND seq = 2");
      assert.deepEqual(e2[0]!.data, { text: "done, for real" });

      // A later rescan found fewer events: PostgreSQL's extra row goes too.
      before = await tuples(url);
      f.p.db.prepare("DELETE FROM events WHERE session = 't1-claude' AND seq = 3").run();
      f.p.db.prepare("UPDATE sessions SET rev = rev + 1, last_seq = 2 WHERE id = 't1-claude'").run();
      r = await push(sink, f);
      assert.deepEqual([r.pushedSessions, r.insertedRows, r.updatedRows, r.deletedRows], [1, 0, 0, 1]);
      assert.deepEqual(changedKeys(before, await tuples(url)), [`e|${HOST}|t1-claude|3`, `s|${HOST}|t1-claude`]);
    } finally {
      await sink.close();
      f.cleanup();
    }
  });

  pgIt("a large session goes in batches in its own transaction, and a push cut by a server restart resumes", async () => {
    const f = fixture({ bigSession: 1300 });
    const url = await freshDb();
    const sink = await PostgresSink.connect(url);
    try {
      // The server goes down right after the first (large) session committed.
      let halted = false;
      await assert.rejects(
        push(sink, f, {
          onProgress: async () => {
            if (!halted) {
              halted = true;
              await server.halt();
            }
          },
        }),
        (e: unknown) => e instanceof RpcError && e.kind === "unavailable",
      );
      await assert.rejects(push(sink, f), (e: unknown) => e instanceof RpcError && e.kind === "unavailable" && e.details.reason === "refused");
      await server.start();
      const r = await push(sink, f); // the same sink reconnects
      assert.equal(r.failedSessions, 0);
      assert.equal(r.pushedSessions, 3, "the three sessions after the large one");
      assert.equal(r.unchangedSessions, 1, "the large one was committed before the outage");
      const n = await query(url, "SELECT count(*)::int AS n FROM warden_events");
      assert.equal(n[0]!.n, projectionEvents(f));
      const big = await query(url, "SELECT count(*)::int AS n, max(seq)::int AS m FROM warden_events WHERE session = 'a-big'");
      assert.deepEqual(big[0], { n: 1300, m: 1300 });
      let before = await tuples(url);
      const fresh = await PostgresSink.connect(url);
      assert.equal((await push(fresh, f)).pushedSessions, 0);
      await fresh.close();
      assert.deepEqual(changedKeys(before, await tuples(url)), []);

      // 700 more events: too many to hold, so sent page by page, continuing the stored prefix hash.
      let more = "";
      for (let s = 1301; s <= 2000; s++) more += evLine("a-big", s, "output", { stream: "pty", text: s % 100 === 0 ? `${s} `.repeat(400) : `line ${s}\n` });
      appendFileSync(f.ledger("a-big"), more);
      f.sync();
      const appended = await push(sink, f);
      assert.deepEqual([appended.pushedSessions, appended.insertedRows, appended.updatedRows, appended.deletedRows], [1, 700, 0, 0]);
      assert.equal(changedKeys(before, await tuples(url)).length, 700 + 1, "the new events and the session row, nothing else");
      // One event of the large session changed in the projection: only that row is written.
      before = await tuples(url);
      f.p.db.prepare("UPDATE events SET data = ? WHERE session = 'a-big' AND seq = 7").run(JSON.stringify({ stream: "pty", text: "changed\n" }));
      f.p.db.prepare("UPDATE sessions SET rev = rev + 1 WHERE id = 'a-big'").run();
      const rewritten = await push(sink, f);
      assert.deepEqual([rewritten.pushedSessions, rewritten.insertedRows, rewritten.updatedRows, rewritten.deletedRows], [1, 0, 1, 0]);
      assert.deepEqual(changedKeys(before, await tuples(url)), [`e|${HOST}|a-big|7`, `s|${HOST}|a-big`]);
      const again = await PostgresSink.connect(url);
      assert.equal((await push(again, f)).pushedSessions, 0, "the fingerprint stored matches what was sent");
      await again.close();
    } finally {
      await sink.close();
      f.cleanup();
    }
  });

  pgIt("unreachable servers and bad URLs fail fast with typed errors that never show the password", async () => {
    // Nothing listens: refused at once.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    let t0 = Date.now();
    await assert.rejects(PostgresSink.connect(`postgres://warden:${PASSWORD}@127.0.0.1:${closed}/warden`), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.kind, "unavailable");
      assert.equal(e.details.reason, "refused");
      assert.ok(!JSON.stringify({ m: e.message, d: e.details, s: e.stack }).includes(PASSWORD));
      assert.equal(e.details.target, `postgres://warden@127.0.0.1:${closed}/warden`);
      return true;
    });
    assert.ok(Date.now() - t0 < 3000);
    // A server that accepts and never answers: the connect timeout.
    const silent: Server = createServer(() => {}).listen(0, "127.0.0.1");
    await new Promise((r) => silent.once("listening", r));
    const port = (silent.address() as { port: number }).port;
    t0 = Date.now();
    try {
      await assert.rejects(PostgresSink.connect(`postgresql://warden:${PASSWORD}@127.0.0.1:${port}/warden`, { connectTimeoutMs: 300 }), (e: unknown) => {
        assert.ok(e instanceof RpcError && e.kind === "unavailable" && e.details.reason === "timeout", String(e));
        assert.ok(!JSON.stringify({ m: e.message, d: e.details, s: e.stack }).includes(PASSWORD));
        return true;
      });
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    } finally {
      silent.close();
    }
    // A wrong password: authentication fails, and neither password is shown.
    const wrong = server.url.replace(`:${server.password}@`, `:${PASSWORD}@`);
    await assert.rejects(PostgresSink.connect(wrong), (e: unknown) => {
      assert.ok(e instanceof RpcError && e.kind === "unavailable" && e.details.reason === "auth_failed", String(e));
      const text = JSON.stringify({ m: e.message, d: e.details, s: e.stack });
      assert.ok(!text.includes(PASSWORD) && !text.includes(server.password));
      return true;
    });
    // Malformed URLs.
    for (const bad of [`postgres://warden:${PASSWORD}@[::1/x`, `mysql://warden:${PASSWORD}@127.0.0.1/x`, "not a url"]) {
      assert.throws(
        () => PostgresSink.create(bad),
        (e: unknown) => e instanceof RpcError && e.kind === "invalid_params" && !e.message.includes(PASSWORD),
      );
    }
  });

  pgIt("migrates a version 1 schema and refuses a newer one", async () => {
    const f = fixture();
    const url = await freshDb();
    try {
      // Two hosts creating the schema at once: one applies it, the other finds it done.
      const racing = await freshDb();
      const [a, b] = await Promise.all([PostgresSink.connect(racing), PostgresSink.connect(racing)]);
      const both = await Promise.all([a.migrate(), b.migrate()]);
      await Promise.all([a.close(), b.close()]);
      assert.deepEqual(
        both.map((r) => r.applied).sort((x, y) => y.length - x.length),
        [MIGRATIONS.map((m) => m.version), []],
      );
      assert.equal((await query(racing, "SELECT count(*)::int AS n FROM warden_schema_version"))[0]!.n, MIGRATIONS.length);

      // What a warden of schema version 1 left: its tables and a row for s2 with an old fingerprint.
      await query(
        url,
        "CREATE TABLE warden_schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      await query(url, MIGRATIONS[0]!.sql);
      await query(url, "INSERT INTO warden_schema_version (version, description) VALUES (1, 'v1')");
      await query(
        url,
        `INSERT INTO warden_sessions (host, id, kind, title, state, created_at, updated_at, last_seq, fingerprint, events_fingerprint, events_last_seq)
                        VALUES ($1, 's2-ledger', 'log', 'tests', 'closed', $2, $3, 3, 'old', 'old', 3)`,
        [HOST, ts(1), ts(3)],
      );
      await query(url, `INSERT INTO warden_events (host, session, seq, ts, kind, data) VALUES ($1, 's2-ledger', 1, $2, 'open', '{"title":"tests"}')`, [
        HOST,
        ts(1),
      ]);
      const sink = await PostgresSink.connect(url);
      try {
        assert.deepEqual(await sink.migrate(), { from: 1, to: PG_SCHEMA_VERSION, applied: MIGRATIONS.slice(1).map((m) => m.version) });
        assert.deepEqual(await sink.migrate(), { from: PG_SCHEMA_VERSION, to: PG_SCHEMA_VERSION, applied: [] });
        const r = await push(sink, f);
        assert.equal(r.pushedSessions, 3);
        assert.equal(r.insertedRows, 10 - 1, "the event v1 already had is left as it was");
        const cols = await query(url, "SELECT source, source_missing FROM warden_sessions WHERE id = 't1-claude'");
        assert.deepEqual(cols[0], { source: "claude-code", source_missing: false });
        const idx = await query(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'warden_events' AND schemaname = current_schema() ORDER BY indexname");
        assert.ok(idx.some((i) => i.indexname === "warden_events_by_ts"));
      } finally {
        await sink.close();
      }
      await query(url, "INSERT INTO warden_schema_version (version, description) VALUES (99, 'future')");
      const newer = await PostgresSink.connect(url);
      try {
        await assert.rejects(push(newer, f), (e: unknown) => e instanceof RpcError && e.kind === "conflict" && e.details.reason === "schema_newer");
      } finally {
        await newer.close();
      }
    } finally {
      f.cleanup();
    }
  });

  pgIt("warden sync push: summary, --json, exit statuses", async () => {
    const f = fixture();
    const url = await freshDb();
    try {
      const first = await runCli(["sync", "push", "--to", url], f.home.env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /pushed 3 of 3 sessions/);
      assert.ok(first.stdout.includes(shown(url)));
      const second = await runCli(["sync", "push", "--json"], { ...f.home.env, WARDEN_SINK_URL: url });
      assert.equal(second.code, 0, second.stderr);
      const j = second.json();
      assert.equal(j.target, shown(url));
      assert.deepEqual([j.sessions, j.pushedSessions, j.unchangedSessions, j.insertedRows, j.updatedRows, j.deletedRows], [3, 0, 3, 0, 0, 0]);
      assert.equal(typeof j.durationMs, "number");

      const only = await runCli(["sync", "push", "--to", url, "--host", "elsewhere", "--json"], f.home.env);
      assert.equal(only.json().sessions, 0);
      for (const r of [first, second, only]) assert.ok(!(r.stdout + r.stderr).includes(server.password));

      const withPw = url.replace(`:${server.password}@`, `:${PASSWORD}@`).replace(`:${server.port}/`, ":1/");
      const down = await runCli(["sync", "push", "--to", withPw, "--json", "--connect-timeout-ms", "1000"], f.home.env);
      assert.equal(down.code, 1);
      assert.equal(down.json().error.kind, "unavailable");
      assert.ok(!(down.stdout + down.stderr).includes(PASSWORD));
      const human = await runCli(["sync", "push", "--to", withPw], f.home.env);
      assert.equal(human.code, 1);
      assert.ok(human.stderr.includes(shown(withPw)));
      assert.ok(!(human.stdout + human.stderr).includes(PASSWORD));

      const bad = await runCli(["sync", "push", "--to", `postgres://warden:${PASSWORD}@[oops/x`, "--json"], f.home.env);
      assert.equal(bad.code, 2);
      assert.equal(bad.json().error.kind, "usage");
      assert.ok(!bad.stdout.includes(PASSWORD));
      const none = await runCli(["sync", "push"], f.home.env);
      assert.equal(none.code, 2);
    } finally {
      f.cleanup();
    }
  });

  pgIt("warden sync push --watch: pushes changes, survives an outage, stops on SIGINT", async () => {
    const f = fixture();
    const url = await freshDb();
    const child = spawn(process.execPath, [wardenBin, "sync", "push", "--to", url, "--watch", "--json", "--interval-ms", "100"], {
      env: f.home.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let errText = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (errText += d));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const lines = () =>
      out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    const waitFor = (what: string, pred: (l: any) => boolean) =>
      pollUntil(() => lines().some(pred), { what: `a ${what} line`, detail: () => `stdout: ${out}; stderr: ${errText}` });
    try {
      await waitFor("first push", (l) => l.pushedSessions === 3);
      // No daemon runs: a ledger append alone is noticed, caught up in memory and pushed.
      appendFileSync(f.ledger("s2-ledger"), evLine("s2-ledger", 4, "note", { n: 4 }));
      await waitFor("append", (l) => l.pushedSessions === 1 && l.insertedRows === 1);
      await server.halt();
      appendFileSync(f.ledger("s2-ledger"), evLine("s2-ledger", 5, "note", { n: 5 }));
      await waitFor("outage", (l) => l.error?.kind === "unavailable");
      await server.start();
      await waitFor("recovery", (l) => l.recovered === true);
      await waitFor("resumed push", () => {
        const all = lines();
        return all.slice(all.findIndex((x) => x.recovered)).some((l) => l.pushedSessions === 1 && l.insertedRows === 1);
      });
      const n = await query(url, "SELECT count(*)::int AS n FROM warden_events WHERE session = 's2-ledger'");
      assert.equal(n[0]!.n, 5);
      child.kill("SIGINT");
      assert.equal(await exited, 0, errText);
      assert.ok(!(out + errText).includes(server.password));
    } finally {
      child.kill("SIGKILL");
      if (server) await server.start().catch(() => {});
      f.cleanup();
    }
  });
});

describe("sync push internals (no server needed)", () => {
  it("makes text and JSON PostgreSQL-safe without touching ordinary values", () => {
    assert.equal(pgText("plain ✓"), "plain ✓");
    assert.equal(pgText("a\u0000b\ud800c"), "a\ufffdb\ufffdc");
    const ok = JSON.stringify({ text: "tab\t \\u0000 literal, emoji 😀" });
    assert.equal(pgJson(ok), ok, "no re-serialization in the usual case");
    assert.deepEqual(JSON.parse(pgJson(JSON.stringify({ "k\u0000": ["x\u0000", "\udc00"] }))), { "k\ufffd": ["x\ufffd", "\ufffd"] });
  });

  it("names the target without its password, in messages and details", () => {
    const t = parseTarget(`postgresql://ann:${PASSWORD}@db.example:6543/team?sslmode=require&password=${PASSWORD}`);
    assert.equal(t.display, "postgresql://ann@db.example:6543/team");
    const e = pgFailure(Object.assign(new Error(`boom ${t.connectionString} ${PASSWORD}`), { code: "ECONNRESET" }), t, "pushing");
    assert.equal(e.kind, "unavailable");
    assert.ok(!JSON.stringify({ m: e.message, d: e.details }).includes(PASSWORD));
  });

  it("finds the PostgreSQL rows to delete: gaps and everything past the last seq", () => {
    assert.deepEqual(deleteRanges(0, [1, 2, 3]), [[4, 1e12]]);
    assert.deepEqual(deleteRanges(4, [7, 8, 10]), [
      [5, 6],
      [9, 9],
      [11, 1e12],
    ]);
    assert.deepEqual(deleteRanges(5, []), [[6, 1e12]]);
  });
});
