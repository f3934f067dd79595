// The transcript reader thread dying under a real daemon: its heap is bounded (sync.readerHeapMb),
// so a transcript that needs more kills the thread, never the daemon. The thread is started again
// (backoff), jobs in flight are asked again, the file it died on twice is given up (sync.status
// names it) while other transcripts are imported; after 5 deaths in a row the reader is given up,
// sync.status says so, and other sources (ledgers) are still applied.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PROJECT = "-work-shop";
const user = (session: string, content: string) =>
  JSON.stringify({
    type: "user",
    sessionId: session,
    uuid: `u-${session}`,
    timestamp: "2026-11-20T10:00:00.000Z",
    cwd: "/work/shop",
    message: { role: "user", content },
  }) + "\n";
/** A 6 MB line whose parse makes millions of small objects: more than a 16 MiB heap holds. */
const poison = (session: string, objects = 2_000_000) => user(session, "x").replace('"content":"x"', `"content":[${"{},".repeat(objects)}{}]`);
const session = (n: number) => `7a0c2d7e-8a91-4c3b-b2d4-0e6f7a8b9c${String(n).padStart(2, "0")}`;

// Each death is a poison line found too big for the thread's heap before it is parsed; the long
// waits are for a loaded machine.
describe("sync engine: the reader thread dies", () => {
  const cleanup: Array<() => unknown> = [];
  after(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const start = async (files: Array<[string, string]>) => {
    const h = tempHome({ sync: { readerHeapMb: 16 } });
    mkdirSync(join(h.claudeProjects, PROJECT), { recursive: true });
    for (const [id, text] of files) writeFileSync(join(h.claudeProjects, PROJECT, `${id}.jsonl`), text);
    const d: TestDaemon = await startTestDaemon(h);
    const c = await RpcClient.connect(d.socket);
    cleanup.push(
      h.cleanup,
      () => d.kill("SIGTERM"),
      () => c.close(),
    );
    return { h, d, c };
  };

  it("is started again: the file it died on is given up (until it changes), other transcripts are imported", async () => {
    const { h, c } = await start([
      [session(1), poison(session(1))],
      [session(2), user(session(2), "the good transcript")],
    ]);
    const list = await pollUntil(
      async () => {
        const l = await c.call("sessions.list", { source: "claude-code" });
        return l.sessions.some((s) => s.id === `claude-${session(2)}`) && l;
      },
      { what: "the good transcript", timeoutMs: 90_000 },
    );
    assert.ok(!list.sessions.some((s) => s.id === `claude-${session(1)}`));
    // Given up on its second death; the thread is started again after a backoff.
    const status = await pollUntil(
      async () => {
        const s = await c.call("sync.status", {});
        return s.lastError?.file === `claude-code:${PROJECT}/${session(1)}.jsonl` && s.reader.state === "running" && s;
      },
      { what: "the poison file given up, the thread running again", timeoutMs: 90_000 },
    );
    assert.ok(status.reader.restarts >= 2, `restarts: ${status.reader.restarts}`);
    assert.ok(status.reader.lastError);
    // Changed, the file is tried again.
    writeFileSync(join(h.claudeProjects, PROJECT, `${session(1)}.jsonl`), user(session(1), "fixed now"));
    await pollUntil(async () => (await c.call("sessions.list", { source: "claude-code" })).sessions.some((s) => s.id === `claude-${session(1)}`), {
      what: "the changed file imported",
      timeoutMs: 90_000,
    });
  });

  // Parsing a line is one native call: it runs to its end past the heap limit (V8 only stops the
  // thread between calls), and the thread's teardown then found its heap far over the limit and
  // V8 aborted the whole process. This line size did so every time; the 6 MB one now and then.
  it("a line whose parse would not fit the heap ends the thread before it is parsed: the daemon lives on", async () => {
    const { c, d } = await start([[session(1), poison(session(1), 1_500_000)]]);
    // Given up on its second death; the thread is started again after a backoff.
    const status = await pollUntil(
      async () => {
        const s = await c.call("sync.status", {});
        return s.lastError?.file === `claude-code:${PROJECT}/${session(1)}.jsonl` && s.reader.state === "running" && s;
      },
      { what: "the poison file given up, the thread running again", timeoutMs: 90_000 },
    );
    assert.equal(status.reader.restarts, 2);
    assert.equal(await d.kill("SIGTERM"), 0);
  });

  it("is given up after 5 deaths in a row; sync.status says so and ledgers are still applied", async () => {
    const { h, c, d } = await start([1, 2, 3].map((n) => [session(n), poison(session(n))] as [string, string]));
    const status = await pollUntil(
      async () => {
        const s = await c.call("sync.status", {});
        return s.reader.state === "failed" && s;
      },
      { what: "the reader given up", timeoutMs: 90_000 },
    );
    assert.equal(status.reader.restarts, 5);
    // Another host's ledger, synced in: still applied.
    mkdirSync(join(h.home, "ledger", "laptop2"), { recursive: true });
    const ev = (seq: number, kind: string, data: object) =>
      JSON.stringify({ v: 1, session: "s-remote", seq, ts: "2026-11-20T10:00:00.000Z", kind, data }) + "\n";
    writeFileSync(join(h.home, "ledger", "laptop2", "s-remote.jsonl"), ev(1, "open", { title: "remote" }) + ev(2, "note", { text: "hello" }));
    await c.call("sync.run", {});
    const got = await c.call("sessions.get", { session: "s-remote" });
    assert.equal(got.host, "laptop2");
    assert.equal((await c.call("sync.status", {})).reader.state, "failed");
    assert.equal(await d.kill("SIGTERM"), 0);
  });
});
