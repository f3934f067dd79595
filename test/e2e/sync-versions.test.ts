// What a new warden does with a projection made by an older one: a new sync version rebuilds it
// aside and swaps it in; a new masking rules version rescans the files whose rows older rules
// masked, in the background, replacing what they missed.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { RULES_VERSION } from "../../src/masking/rules.js";
import { SYNC_VERSION } from "../../src/projection/schema.js";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const SESSION = "9c8b7a69-5847-4a3b-9c2d-1e0f9a8b7c6d";
const ID = `claude-${SESSION}`;
/** An AWS-shaped key, built at run time. */
const KEY = ["AKIA", "Q7ZL", "M2VX", "R8TN", "W4BK"].join("");

async function call<T>(d: TestDaemon, fn: (c: RpcClient) => Promise<T>): Promise<T> {
  const c = await RpcClient.connect(d.socket);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

describe("sync and rules versions", () => {
  const h = tempHome();
  after(() => h.cleanup());
  const dbPath = join(h.runRoot, "projection.sqlite");
  const edit = (sql: string, ...args: unknown[]) => {
    const db = new Database(dbPath);
    try {
      db.prepare(sql).run(...args);
    } finally {
      db.close();
    }
  };
  const read = <T>(sql: string, ...args: unknown[]): T => {
    const db = new Database(dbPath, { readonly: true });
    try {
      return db.prepare(sql).get(...args) as T;
    } finally {
      db.close();
    }
  };

  it("imports, then rescans a file whose rows an older rules version masked", async () => {
    mkdirSync(join(h.claudeProjects, "-p"), { recursive: true });
    const line = JSON.stringify({
      type: "user",
      sessionId: SESSION,
      uuid: "u1",
      timestamp: "2026-11-20T10:00:00.000Z",
      cwd: "/p",
      message: { role: "user", content: `aws key ${KEY} leaked in the logs` },
    });
    writeFileSync(join(h.claudeProjects, "-p", `${SESSION}.jsonl`), line + "\n");
    let d = await startTestDaemon(h);
    await call(d, (c) => c.call("sync.run", {}));
    assert.match(JSON.stringify(await call(d, (c) => c.call("events.read", { session: ID }))), /\[MASKED:aws_access_key\]/);
    await d.kill("SIGTERM");
    // As an older warden whose rules did not know the key would have left it: in the rows, marked v1.
    edit("UPDATE events SET data = replace(data, '[MASKED:aws_access_key]', ?), mask_version = 1 WHERE session = ?", KEY, ID);
    edit("UPDATE watermarks SET mask_version = 1 WHERE kind = 'claude-code'");
    d = await startTestDaemon(h);
    try {
      await pollUntil(() => read<{ v: number }>("SELECT mask_version AS v FROM watermarks WHERE kind = 'claude-code'").v === RULES_VERSION, {
        what: "the rescan",
      });
      const text = JSON.stringify(await call(d, (c) => c.call("events.read", { session: ID })));
      assert.ok(!text.includes(KEY), "the rescan masked what the old rules missed");
      assert.match(text, /\[MASKED:aws_access_key\]/);
      assert.equal(read<{ v: number }>("SELECT min(mask_version) AS v FROM events WHERE session = ?", ID).v, RULES_VERSION);
    } finally {
      await d.kill("SIGTERM");
    }
  });

  it("rebuilds aside and swaps in a projection an older sync version made", async () => {
    edit("UPDATE watermarks SET sync_version = ?", SYNC_VERSION - 1);
    const d = await startTestDaemon(h);
    try {
      await pollUntil(() => d.events("rebuilt").length === 1, { what: "the resync" });
      assert.equal(d.events("projection_resync").length, 1);
      assert.equal(read<{ n: number }>("SELECT count(*) AS n FROM watermarks WHERE sync_version != ?", SYNC_VERSION).n, 0);
      const s = await call(d, (c) => c.call("sessions.get", { session: ID }));
      assert.equal(s.source, "claude-code", "imported transcripts are part of the rebuild");
      assert.equal((await call(d, (c) => c.call("search.query", { q: "leaked" }))).results.length, 1);
    } finally {
      await d.kill("SIGTERM");
    }
  });
});
