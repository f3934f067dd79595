// Transcript roots that do not exist when the daemon starts (Claude Code or Codex installed
// afterwards): the watcher waits on the nearest directory that does exist and starts watching the
// root the moment it appears, so its transcripts are searchable within seconds, not at the next
// reconcile (an hour away here).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

describe("transcript roots created after the daemon started", () => {
  const h = tempHome({ sync: { reconcileSecs: 3600 } });
  let d: TestDaemon;
  let c: RpcClient;
  before(async () => {
    assert.equal(existsSync(dirname(h.claudeProjects)), false, "no ~/.claude yet");
    assert.equal(existsSync(dirname(h.codexSessions)), false, "no ~/.codex yet");
    d = await startTestDaemon(h);
    c = await RpcClient.connect(d.socket);
    // The first reconcile (at start) is over: from now on only the watcher can notice a new root.
    await pollUntil(
      async () => {
        const st = await c.call("sync.status", {});
        return st.lastReconcileAt !== null && st.state === "idle";
      },
      { what: "the first reconcile" },
    );
  });
  after(async () => {
    c?.close();
    await d?.kill();
    h.cleanup();
  });

  it("imports a Claude Code transcript written into a new ~/.claude/projects", async () => {
    const session = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
    mkdirSync(join(h.claudeProjects, "-work-shop"), { recursive: true });
    const line = {
      type: "user",
      sessionId: session,
      uuid: "u-1",
      parentUuid: null,
      timestamp: "2026-11-20T10:00:00.000Z",
      cwd: "/work/shop",
      version: "2.0.14",
      message: { role: "user", content: "the narwhal deployment" },
    };
    writeFileSync(join(h.claudeProjects, "-work-shop", `${session}.jsonl`), JSON.stringify(line) + "\n");
    const hit = await pollUntil(async () => (await c.call("search.query", { q: "narwhal" })).results[0], { what: "the transcript to be searchable" });
    assert.equal(hit.session, `claude-${session}`);
  });

  it("follows a Codex root made one directory at a time", async () => {
    const codexHome = dirname(h.codexSessions);
    mkdirSync(codexHome); // ~/.codex first, sessions/ a while later: the wait moves down a level
    await c.call("ping", {}); // a round trip: the daemon has most likely seen ~/.codex appear (either order must work)
    const day = join(h.codexSessions, "2026", "11", "20");
    mkdirSync(day, { recursive: true });
    const id = "0193a7c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
    const rec = (type: string, payload: object) => JSON.stringify({ timestamp: "2026-11-20T09:00:00.000Z", type, payload }) + "\n";
    writeFileSync(
      join(day, `rollout-2026-11-20T09-00-00-${id}.jsonl`),
      rec("session_meta", { id, timestamp: "2026-11-20T09:00:00.000Z", cwd: "/work/api", originator: "codex_cli_rs", cli_version: "0.46.0" }) +
        rec("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: "the okapi migration" }] }),
    );
    const hit = await pollUntil(async () => (await c.call("search.query", { q: "okapi" })).results[0], { what: "the rollout to be searchable" });
    assert.equal(hit.session, `codex-${id}`);
  });
});
