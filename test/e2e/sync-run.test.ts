// `warden sync run --full` and `sync status` against a real daemon: a full run is the last sync,
// reports the bytes it read and the secrets it masked, and lines not understood show per source
// (how many, and the last file and line).
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const SESSION = "8b0c2d7e-8a91-4c3b-b2d4-0e6f7a8b9c01";
const PROJECT = "-work-run";
const REL = `claude-code:${PROJECT}/${SESSION}.jsonl`;
const TOKEN = "ghp_" + "Rm4KqzT8vW2nLx6ByH9cJdP3sF7gN0aE5uQi".slice(0, 36);
const user = (content: string, n: number) =>
  JSON.stringify({
    type: "user",
    sessionId: SESSION,
    uuid: `u-${n}`,
    timestamp: "2026-11-20T10:00:00.000Z",
    cwd: "/work/run",
    message: { role: "user", content },
  }) + "\n";

describe("sync run --full and unparseable lines in sync status", () => {
  const h = tempHome();
  const file = join(h.claudeProjects, PROJECT, `${SESSION}.jsonl`);
  let d: TestDaemon;
  let c: RpcClient;
  before(async () => {
    mkdirSync(join(h.claudeProjects, PROJECT), { recursive: true });
    writeFileSync(file, user("hello there", 1) + "this line is not json\n" + user(`my token is ${TOKEN}`, 2));
    d = await startTestDaemon(h);
    c = await RpcClient.connect(d.socket);
  });
  after(async () => {
    c?.close();
    await d?.kill("SIGTERM");
    h.cleanup();
  });

  it("shows lines not understood per source: how many, the last file and line", async () => {
    const status = await pollUntil(
      async () => {
        const s = await c.call("sync.status", {});
        return s.sources.find((x) => x.source === "claude-code")!.rows > 0 && s;
      },
      { what: "the import" },
    );
    const claude = status.sources.find((x) => x.source === "claude-code")!;
    assert.equal(claude.unparseable, 1);
    assert.deepEqual(claude.lastUnparseable, { file: REL, line: 2 });
    assert.equal(status.sources.find((x) => x.source === "ledger")!.unparseable, 0);
    appendFileSync(file, "{not json either\n");
    await c.call("sync.run", {});
    const again = (await c.call("sync.status", {})).sources.find((x) => x.source === "claude-code")!;
    assert.equal(again.unparseable, 2);
    assert.deepEqual(again.lastUnparseable, { file: REL, line: 1 }); // counted from where that read began
    const cli = await runCli(["sync", "status", "--json"], h.env);
    assert.equal(cli.code, 0);
    assert.equal(cli.json().sources.find((x: { source: string }) => x.source === "claude-code").unparseable, 2);
  });

  it("a full run is the last sync, and reports the bytes read and the secrets masked", async () => {
    const before = (await c.call("sync.status", {})).lastSyncAt;
    assert.ok(before);
    const r = await runCli(["sync", "run", "--full", "--json"], h.env, 60_000);
    assert.equal(r.code, 0, r.stderr);
    const out = r.json();
    assert.equal(out.full, true);
    assert.ok(out.bytes >= statSync(file).size, `bytes: ${out.bytes}`);
    assert.ok(out.masked >= 1, `masked: ${out.masked}`);
    assert.equal(out.unparseable, 2);
    const after = (await c.call("sync.status", {})).lastSyncAt;
    assert.ok(after && after > before, `last sync ${before} → ${after}`);
  });
});
