// `daemon verify` and `daemon diff` cover imported transcripts: the sessions and events of every
// transcript under the configured roots are recomputed from the files (read, masked, parsed and
// folded as the importer does) and compared with the projection's rows. A real daemon, a real
// transcript; the tampering is a write to the projection while the daemon is stopped.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const SESSION = "9c0c2d7e-8a91-4c3b-b2d4-0e6f7a8b9c01";
const ID = `claude-${SESSION}`;
const PROJECT = "-work-verify";
const TOKEN = "ghp_" + "Rm4KqzT8vW2nLx6ByH9cJdP3sF7gN0aE5uQi".slice(0, 36);
const user = (content: string, n: number) =>
  JSON.stringify({
    type: "user",
    sessionId: SESSION,
    uuid: `u-${n}`,
    timestamp: `2026-11-20T10:00:0${n}.000Z`,
    cwd: "/work/verify",
    message: { role: "user", content },
  }) + "\n";

describe("daemon verify and diff: imported transcripts", () => {
  const h = tempHome();
  let d: TestDaemon | undefined;
  before(async () => {
    mkdirSync(join(h.claudeProjects, PROJECT), { recursive: true });
    writeFileSync(join(h.claudeProjects, PROJECT, `${SESSION}.jsonl`), user("first words", 1) + user(`the token is ${TOKEN}`, 2) + user("last words", 3));
    d = await startTestDaemon(h);
    const c = await RpcClient.connect(d.socket);
    try {
      await pollUntil(async () => (await c.call("sessions.list", { source: "claude-code" })).sessions.length === 1, { what: "the import" });
    } finally {
      c.close();
    }
  });
  after(async () => {
    await d?.kill("SIGTERM");
    h.cleanup();
  });

  it("an untouched import verifies, with the transcript's session and events counted", async () => {
    const r = await runCli(["daemon", "verify", "--json"], h.env);
    assert.equal(r.code, 0, r.stdout);
    const out = r.json();
    assert.equal(out.ok, true);
    const surface = (name: string) => out.surfaces.find((s: { surface: string }) => s.surface === name);
    assert.equal(surface("sessions").source.count, 1);
    assert.equal(surface("events").source.count, 3);
    assert.equal(surface("events").projection.count, 3);
  });

  it("a tampered imported event is drift: verify fails and diff names it", async () => {
    await d!.kill("SIGTERM");
    d = undefined;
    const db = new Database(join(h.runRoot, "projection.sqlite"));
    try {
      const changed = db.prepare("UPDATE events SET data = ? WHERE session = ? AND seq = 2").run(JSON.stringify({ text: "something else" }), ID);
      assert.equal(changed.changes, 1);
      db.prepare("UPDATE sessions SET title = 'not the title' WHERE id = ?").run(ID);
    } finally {
      db.close();
    }
    d = await startTestDaemon(h);
    const v = await runCli(["daemon", "verify", "--json"], h.env);
    assert.equal(v.code, 1, v.stdout);
    const out = v.json();
    assert.equal(out.ok, false);
    assert.deepEqual(
      out.surfaces
        .filter((s: { ok: boolean }) => !s.ok)
        .map((s: { surface: string }) => s.surface)
        .sort(),
      ["events", "sessions"],
    );
    const diff = await runCli(["daemon", "diff", "--json"], h.env);
    assert.equal(diff.code, 1, diff.stdout);
    assert.deepEqual(diff.json().differences, [
      { surface: "sessions", key: ID, problem: "differs" },
      { surface: "events", key: `${ID}#000000000002`, problem: "differs" },
    ]);
  });
});
