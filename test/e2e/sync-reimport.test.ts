// A transcript rewritten (so re-imported from its start) and read in many slices: readers keep
// seeing the whole previous session until the new one is complete, and a sink pushing meanwhile
// (every 100 ms) deletes nothing in PostgreSQL. A real daemon, a real PostgreSQL.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { postgresUnavailable, startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { pollUntil } from "../helpers/poll.js";
import { claudeUserTranscript } from "../helpers/transcripts.js";

const skip = postgresUnavailable();
const SESSION = "4e4e5f60-7182-4394-a5b6-c7d8e9f0a1b2";
const ID = `claude-${SESSION}`;
const LINES = 8000; // about 5.6 MB: some 90 slices of 64 KiB
const filler = "lorem ipsum dolor sit amet ".repeat(22);
const transcript = (version: string) => claudeUserTranscript(SESSION, version, LINES, filler);

describe("a sliced re-import", { skip: skip ?? false }, () => {
  let server: TestPostgres;
  let d: TestDaemon;
  let c: RpcClient;
  let db: pg.Client;
  const h = tempHome({ sync: { sliceBytes: 65536 }, sinks: [{ name: "team", urlEnv: "WARDEN_TEST_SINK", intervalMs: 100 }] });
  const file = join(h.claudeProjects, "-p", `${SESSION}.jsonl`);
  before(async () => {
    server = await startPostgres();
    mkdirSync(join(h.claudeProjects, "-p"), { recursive: true });
    writeFileSync(file, transcript("v1"));
    d = await startTestDaemon(h, { WARDEN_TEST_SINK: server.url });
    c = await RpcClient.connect(d.socket);
    db = new pg.Client({ connectionString: server.url });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    c?.close();
    await d?.kill("SIGTERM");
    await server?.stop();
    h.cleanup();
  });

  it("shows the previous session whole until the new one is complete; a push meanwhile deletes nothing", async () => {
    await pollUntil(async () => (await c.call("sessions.get", { session: ID })).lastSeq === LINES, { what: "the import", timeoutMs: 60_000, tolerate: true });
    await pollUntil(async () => (await db.query("SELECT count(*)::int AS n FROM warden_events WHERE session = $1", [ID])).rows[0].n === LINES, {
      what: "the push",
      timeoutMs: 60_000,
      tolerate: true,
    });
    // Every row PostgreSQL deletes from now on is logged.
    await db.query("CREATE TABLE deleted (seq int)");
    await db.query("CREATE FUNCTION log_delete() RETURNS trigger AS $$ BEGIN INSERT INTO deleted VALUES (OLD.seq); RETURN OLD; END $$ LANGUAGE plpgsql");
    await db.query("CREATE TRIGGER log_delete AFTER DELETE ON warden_events FOR EACH ROW EXECUTE FUNCTION log_delete()");

    writeFileSync(file, transcript("v2"));
    let least = Infinity;
    let polls = 0;
    await pollUntil(
      async () => {
        const s = await c.call("sessions.get", { session: ID });
        least = Math.min(least, s.lastSeq);
        polls++;
        return s.title?.startsWith("v2") === true;
      },
      { what: "the re-import", timeoutMs: 60_000, tolerate: true },
    );
    await pollUntil(
      async () => (await db.query("SELECT count(*)::int AS n FROM warden_events WHERE session = $1 AND data::text LIKE '%v2 line%'", [ID])).rows[0].n === LINES,
      { what: "the new session pushed", timeoutMs: 60_000, tolerate: true },
    );
    assert.equal((await db.query("SELECT count(*)::int AS n FROM deleted")).rows[0].n, 0, "rows deleted in PostgreSQL");
    assert.equal(least, LINES, `a reader saw ${least} of ${LINES} events (over ${polls} polls)`);
    const page = await c.call("events.read", { session: ID, after: LINES - 1 });
    assert.match(JSON.stringify(page.events), /v2 line 7999/);
  });
});
