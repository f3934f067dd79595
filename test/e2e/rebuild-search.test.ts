// A rebuilt projection is searchable the moment it is swapped in: the rebuild worker makes the
// search documents of warden's own ledgers along with their rows, so nothing is left for the
// background indexer to catch up on.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";

describe("search after a live rebuild", () => {
  const h = tempHome();
  let d: TestDaemon;
  let c: RpcClient;
  before(async () => {
    d = await startTestDaemon(h);
    c = await RpcClient.connect(d.socket);
  });
  after(async () => {
    c?.close();
    await d?.kill();
    h.cleanup();
  });

  it("finds warden's own sessions at once, with nothing behind", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await c.call("sessions.open", { title: `rebuild notes ${i}` });
      ids.push(s.id);
      for (let n = 0; n < 20; n++) await c.call("events.append", { session: s.id, kind: "note", data: { text: `entry ${n} about the capybara${i} rollout` } });
    }
    const r = await c.call("projection.rebuild", {});
    assert.equal(r.swapped, true);
    assert.equal(r.verify.ok, true);
    assert.ok(r.indexMs >= 0 && r.importMs >= 0, "import and indexing timed apart");
    // No waiting: the rebuilt file came with its documents.
    for (let i = 0; i < 3; i++) {
      const hits = await c.call("search.query", { q: `capybara${i}`, limit: 100 });
      assert.equal(hits.results.length, 20, `capybara${i}`);
      assert.ok(hits.results.every((h) => h.session === ids[i]));
    }
    const st = await c.call("sync.status", {});
    const ledger = st.sources.filter((s) => s.source === "ledger");
    assert.ok(ledger.length > 0);
    for (const s of ledger) assert.equal(s.searchBehind, 0, `${s.root}: searchBehind`);
  });

  it("finds them at once after an offline rebuild (--reset-storage) too", async () => {
    c.close();
    await d.kill();
    const r = await runCli(["daemon", "rebuild", "--reset-storage", "--json"], h.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Read from the file the rebuild left, before any daemon could index anything.
    const found = await runCli(["search", "capybara1", "--limit", "100", "--no-daemon", "--json"], h.env);
    assert.equal(found.code, 0, found.stderr);
    assert.equal(found.json().results.length, 20);
  });
});
