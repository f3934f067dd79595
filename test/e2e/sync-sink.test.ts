// A daemon with a `sinks` entry pushes what it imports to a real PostgreSQL, masked, and says so
// in sync.status; a server that goes away is reported, and the push resumes when it is back.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { postgresUnavailable, startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { pollUntil } from "../helpers/poll.js";
import { OtherHost } from "../helpers/witness-files.js";

const skip = postgresUnavailable();
const SESSION = "3d4e5f60-7182-4394-a5b6-c7d8e9f0a1b2";
const TOKEN = "glpat-" + ["Vq3x", "Lm8Z", "rT2n", "Wb7K", "c9Hy"].join("");

async function rows(url: string, sql: string): Promise<any[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("sinks", { skip: skip ?? false }, () => {
  let server: TestPostgres;
  let d: TestDaemon;
  const h = tempHome({ sinks: [{ name: "team", urlEnv: "WARDEN_TEST_SINK", intervalMs: 200 }] });
  const file = join(h.claudeProjects, "-p", `${SESSION}.jsonl`);
  const line = (uuid: string, text: string) =>
    JSON.stringify({ type: "user", sessionId: SESSION, uuid, timestamp: "2026-11-20T10:00:00.000Z", cwd: "/p", message: { role: "user", content: text } }) +
    "\n";
  before(async () => {
    server = await startPostgres();
    mkdirSync(join(h.claudeProjects, "-p"), { recursive: true });
    writeFileSync(file, line("u1", `deploy with ${TOKEN} to staging`));
    d = await startTestDaemon(h, { WARDEN_TEST_SINK: server.url });
  });
  after(async () => {
    await d?.kill("SIGTERM");
    await server?.stop();
    h.cleanup();
  });

  it("pushes imported sessions, masked", async () => {
    await pollUntil(async () => (await rows(server.url, `SELECT count(*)::int AS n FROM warden_events WHERE session = 'claude-${SESSION}'`))[0].n >= 1, {
      what: "the push",
      tolerate: true,
    });
    const all = JSON.stringify(await rows(server.url, "SELECT * FROM warden_events")) + JSON.stringify(await rows(server.url, "SELECT * FROM warden_sessions"));
    assert.ok(all.includes("[MASKED:gitlab]"));
    assert.ok(!all.includes(TOKEN));
    const c = await RpcClient.connect(d.socket);
    try {
      const sink = (await c.call("sync.status", {})).sinks[0]!;
      assert.equal(sink.name, "team");
      assert.ok(sink.lastPushAt !== null);
      assert.equal(sink.lastError, null);
      assert.ok(!sink.target.includes(server.password), "status never shows the password");
    } finally {
      c.close();
    }
  });

  it("reports an outage and resumes after it", async () => {
    await server.halt();
    appendFileSync(file, line("u2", "while the server was down"));
    const c = await RpcClient.connect(d.socket);
    try {
      await pollUntil(async () => (await c.call("sync.status", {})).sinks[0]!.lastError !== null, { what: "the outage to show", tolerate: true });
      const err = (await c.call("sync.status", {})).sinks[0]!.lastError!;
      assert.ok(!err.includes(server.password));
      await server.start();
      await pollUntil(
        async () => (await rows(server.url, "SELECT count(*)::int AS n FROM warden_events WHERE data::text LIKE '%server was down%'"))[0].n === 1,
        { what: "the resumed push", tolerate: true },
      );
      await pollUntil(async () => (await c.call("sync.status", {})).sinks[0]!.lastError === null, { what: "the error to clear", tolerate: true });
    } finally {
      c.close();
    }
  });

  it("pushes this host's audit checkpoints, a new one alone being a change; not other hosts'", async () => {
    // Signed as the PREAMBLE says, at a size this daemon's own log does not reach, appended beside its own.
    const me = new OtherHost("testhost");
    const other = new OtherHost("hosta");
    try {
      me.startEpoch();
      const cp = me.checkpoint({ size: 1000, root: me.root().root });
      other.startEpoch();
      other.checkpoint();
      other.deliver(h.home, "checkpoints");
      mkdirSync(join(h.home, "audit"), { recursive: true });
      appendFileSync(join(h.home, "audit", "testhost.checkpoints"), `${JSON.stringify({ note: cp.note })}\n`);
      const row = await pollUntil(async () => (await rows(server.url, "SELECT host, root FROM warden_checkpoints WHERE size = 1000"))[0], {
        what: "the checkpoint pushed",
        tolerate: true,
      });
      assert.deepEqual(row, { host: "testhost", root: cp.root });
      assert.deepEqual(await rows(server.url, "SELECT host FROM warden_checkpoints WHERE host <> 'testhost'"), []);
    } finally {
      me.cleanup();
      other.cleanup();
    }
  });
});
