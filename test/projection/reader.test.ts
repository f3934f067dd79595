// ProjectionReader: every read query prepared once per database, the daemon's reader following a
// restore to the new database, and a file from an older warden read with the defaults of the
// columns it lacks. Real SQLite, real source files.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import Database from "better-sqlite3";
import { openLogger } from "../../src/platform/log.js";
import { resolvePaths, type WardenPaths } from "../../src/platform/paths.js";
import { Projection } from "../../src/projection/projection.js";
import { counts, getSession, listAudit, listSessions, readEvents, search } from "../../src/projection/read.js";
import { ProjectionReader } from "../../src/projection/reader.js";
import { ProjectionStore } from "../../src/projection/store.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { catchUpAll } from "../../src/sync/catch-up.js";
import { StoreKeeper } from "../../src/sync/store-keeper.js";

const HOST = "testhost";
let base: string;
let paths: WardenPaths;
const cleanup: Array<() => void> = [];
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "wd-rd-"));
  paths = resolvePaths({ WARDEN_HOME: join(base, "h"), WARDEN_HOST: HOST });
  mkdirSync(join(paths.home, "ledger", HOST), { recursive: true });
  mkdirSync(paths.runRoot, { recursive: true });
});
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
  rmSync(base, { recursive: true, force: true });
});

const ev = (session: string, seq: number, kind: string, data: object) =>
  JSON.stringify({ v: 1, session, seq, ts: `2026-01-01T00:00:${String(seq).padStart(2, "0")}Z`, kind, data }) + "\n";
function write(session: string, from: number, to: number): void {
  for (let s = from; s <= to; s++)
    appendFileSync(
      join(paths.home, "ledger", HOST, `${session}.jsonl`),
      ev(session, s, s === 1 ? "open" : "note", s === 1 ? { title: session } : { text: `note ${s}` }),
    );
}

/** Counts `db.prepare` calls (the real method still runs). */
function countPrepares(db: Database.Database): () => number {
  const real = db.prepare.bind(db);
  let n = 0;
  db.prepare = ((sql: string) => (n++, real(sql))) as typeof db.prepare;
  return () => n;
}

describe("ProjectionReader", () => {
  it("prepares each read query once per database: the same reads again prepare nothing", () => {
    write("a", 1, 3);
    write("claude-0b7e", 1, 2);
    const p = Projection.open(":memory:");
    cleanup.push(() => p.close());
    catchUpAll(p, paths.home);
    const prepares = countPrepares(p.db);
    const reads = () => [
      listSessions(p.db, { limit: 10 }),
      listSessions(p.db, { host: HOST, state: "open", limit: 1 }),
      getSession(p.db, "a"),
      getSession(p.db, "0b7e"), // the tool's own id of an imported session
      readEvents(p.db, { session: "a", after: 1, limit: 10 }, paths.home),
      listAudit(p.db, { limit: 10 }),
      counts(p.db),
      search(p.db, { q: "note", session: "a", limit: 10 }),
    ];
    const first = reads();
    const afterFirst = prepares();
    assert.ok(afterFirst > 0, "the first reads prepared their statements");
    assert.deepEqual(reads(), first, "the same answers");
    assert.equal(prepares(), afterFirst, "the second round prepared nothing");
    assert.equal(ProjectionReader.of(p.db), ProjectionReader.of(p.db), "one reader per database");
  });

  it("the daemon's reader follows a restore to the new database; the old one's is closed with it", async () => {
    write("a", 1, 2);
    const log = openLogger({ path: paths.log, level: "error", maxBytes: 1 << 20, echo: null });
    const service = new ProjectionStore(paths, log);
    cleanup.push(() => service.close());
    const keeper = new StoreKeeper(service, paths, log, { transcripts: [], secrets: new SecretValues() });
    keeper.boot();
    const before = service.reader;
    assert.equal(before.getSession("a").lastSeq, 2);
    const { file } = await service.backup();
    write("a", 3, 5);
    await keeper.restore(file);
    const after = service.reader;
    assert.notEqual(after, before, "a new reader for the swapped-in database");
    assert.equal(after.db, service.db);
    assert.equal(after.getSession("a").lastSeq, 5, "the restored copy caught up from the sources, read through the new reader");
    assert.equal(after.eventsAfter("a", 0, 10).length, 5);
    assert.throws(() => before.getSession("a"), TypeError, "a reader kept across the swap would read a closed database");
  });

  it("reads a projection written by an older warden: the columns it lacks read as their defaults", () => {
    const path = join(base, "old.sqlite");
    const db = new Database(path);
    db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, host TEXT NOT NULL, kind TEXT NOT NULL, title TEXT, state TEXT NOT NULL, created_at TEXT NOT NULL,
               updated_at TEXT NOT NULL, last_seq INTEGER NOT NULL, meta TEXT, archived INTEGER NOT NULL DEFAULT 0, info TEXT);
             CREATE TABLE events (session TEXT NOT NULL, seq INTEGER NOT NULL, ts TEXT NOT NULL, kind TEXT NOT NULL, data TEXT, src_offset INTEGER NOT NULL, src_length INTEGER NOT NULL);
             INSERT INTO sessions VALUES ('a', '${HOST}', 'log', 't', 'open', '2026-01-01T00:00:01Z', '2026-01-01T00:00:01Z', 1, NULL, 0, NULL);
             INSERT INTO events VALUES ('a', 1, '2026-01-01T00:00:01Z', 'open', '{"title":"t"}', 0, 10);`);
    db.close();
    const ro = new Database(path, { readonly: true }); // as a sink opens the file
    cleanup.push(() => ro.close());
    const reader = ProjectionReader.of(ro);
    assert.deepEqual(
      reader.sessions().map((s) => [s.id, s.source, s.source_missing, s.rev]),
      [["a", "warden", 0, 0]],
    );
    assert.deepEqual(
      [...reader.events("a")].map((e) => [e.seq, e.mask_version]),
      [[1, 0]],
    );
    assert.equal(listSessions(ro, { limit: 10 }).sessions[0]!.source, "warden");
  });
});
