// Each host's signed audit checkpoints pushed to a real PostgreSQL (test/helpers/postgres.ts):
// one row per (host, size), idempotent (a re-push writes nothing: every row's ctid and xmin stay),
// the first note for a size kept, and a forged log's different notes counted as conflicts —
// the team server is a witness.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { Projection } from "../../src/projection/projection.js";
import { PostgresSink, type PushResult } from "../../src/sync/sinks/postgres.js";
import { postgresUnavailable, startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { OtherHost } from "../helpers/witness-files.js";

const skip = postgresUnavailable();
let server: TestPostgres;
let schemas = 0;
const dirs: string[] = [];
const hosts: OtherHost[] = [];

async function freshDb(): Promise<string> {
  const name = `cp${++schemas}`;
  await query(server.url, `CREATE SCHEMA ${name}`);
  return `${server.url}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
}

async function query(url: string, sql: string): Promise<any[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

/** A host with a key epoch, `n` records and a checkpoint after each. */
function host(name: string, n: number): OtherHost {
  const h = new OtherHost(name);
  hosts.push(h);
  h.startEpoch();
  for (let i = 0; i < n; i++) {
    h.records(1);
    h.checkpoint();
  }
  return h;
}

async function push(url: string, home: string, onlyHost?: string): Promise<PushResult> {
  const sink = await PostgresSink.connect(url);
  const p = Projection.inMemory();
  try {
    return await sink.push(p.db, { home, onlyHost });
  } finally {
    p.close();
    await sink.close();
  }
}

const rowsOf = (url: string) =>
  query(url, "SELECT host, size::int, origin, root, key_id, note, ctid::text || '@' || xmin::text AS tuple FROM warden_checkpoints ORDER BY host, size");

describe("sync push: audit checkpoints", { skip: skip ?? false }, () => {
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
    for (const h of hosts) h.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("stores every host's checkpoints once, keeps the first note for a size, and counts a forgery's as conflicts", async () => {
    const home = mkdtempSync(join(tmpdir(), "wcp-"));
    dirs.push(home);
    const a = host("hosta", 3);
    const b = host("hostb", 2);
    a.deliver(home, "checkpoints");
    b.deliver(home, "checkpoints");
    const url = await freshDb();

    const first = await push(url, home);
    assert.deepEqual([first.checkpoints, first.checkpointConflicts], [5, 0]);
    const rows = await rowsOf(url);
    assert.deepEqual(
      rows.map((r) => [r.host, r.size, r.origin, r.root]),
      [...a.checkpoints.map((c) => ["hosta", c.size, "warden/hosta", c.root]), ...b.checkpoints.map((c) => ["hostb", c.size, "warden/hostb", c.root])],
    );
    assert.equal(rows[0].key_id, a.verifierKey.split("+")[1]);
    assert.match(rows[0].note, /^warden\/hosta\n2\n/);

    const again = await push(url, home);
    assert.deepEqual([again.checkpoints, again.checkpointConflicts], [0, 0]);
    assert.deepEqual(
      (await rowsOf(url)).map((r) => r.tuple),
      rows.map((r) => r.tuple),
      "a re-push writes nothing",
    );

    a.records(1);
    a.checkpoint();
    a.deliver(home, "checkpoints");
    const grown = await push(url, home);
    assert.deepEqual([grown.checkpoints, grown.checkpointConflicts], [1, 0]);

    // hosta's log replaced by a forgery signed with a new key: sizes 2..5 already held differ; 6 is new.
    const forged = host("hosta", 5);
    forged.deliver(home, "checkpoints");
    const caught = await push(url, home);
    assert.deepEqual([caught.checkpoints, caught.checkpointConflicts], [1, 4]);
    const kept = (await rowsOf(url)).filter((r) => r.host === "hosta" && r.size <= 5);
    assert.deepEqual(
      kept.map((r) => r.root),
      a.checkpoints.map((c) => c.root),
      "the first notes stay",
    );
  });

  it("pushes only the given host's checkpoints", async () => {
    const home = mkdtempSync(join(tmpdir(), "wcp-"));
    dirs.push(home);
    host("hosta", 2).deliver(home, "checkpoints");
    host("hostb", 1).deliver(home, "checkpoints");
    const url = await freshDb();
    const r = await push(url, home, "hostb");
    assert.equal(r.checkpoints, 1);
    assert.deepEqual(
      (await rowsOf(url)).map((x) => x.host),
      ["hostb"],
    );
  });
});
