// Every notification a real daemon sends is declared in protocol/ and parses with its declared
// schema, read off the wire (not through the client, which only sees what it listens for): a log
// session's recorded events, a PTY session's live ones (its output not UTF-8: base64), and a
// rebuild's progress.
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { notifications, type NotificationName } from "../../protocol/index.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { RawClient } from "../helpers/raw-client.js";

type Message = { id?: unknown; method?: string; params?: unknown; result?: any; error?: unknown };

describe("notifications on the wire", () => {
  let project: string;
  let home: TempHome;
  let d: TestDaemon;
  let raw: RawClient;
  let nextId = 1;
  before(async () => {
    project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
    home = tempHome({ sessions: { projects: [project] } });
    d = await startTestDaemon(home);
    raw = await RawClient.connect(d.socket);
  });
  after(async () => {
    raw?.close();
    await d?.kill();
    home?.cleanup();
    rmSync(project, { recursive: true, force: true });
  });

  /** Every message that was not a reply, in arrival order. */
  const seen: Message[] = [];

  /** Sends a request and returns its result; notifications that come first are kept in `seen`. */
  async function call(method: string, params: object): Promise<any> {
    const id = nextId++;
    raw.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    let reply: Message | undefined;
    while (reply === undefined) {
      const m = (await raw.next(20_000)) as Message;
      if (m.id === id) reply = m;
      else seen.push(m);
    }
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    return reply.result;
  }

  /** Reads notifications until `done` holds. */
  async function until(done: () => boolean): Promise<void> {
    while (!done()) {
      const m = (await raw.next(20_000)) as Message;
      seen.push(m);
    }
  }

  /** Each message is a notification (no id) declared in protocol/ whose params parse with its schema; returns the parsed params. */
  function declared(seen: Message[]): Array<{ method: NotificationName; params: any }> {
    return seen.map((m) => {
      assert.equal("id" in m, false, `a notification has no id: ${JSON.stringify(m)}`);
      assert.ok(Object.hasOwn(notifications, m.method!), `${m.method} is declared in protocol/`);
      const method = m.method as NotificationName;
      const parsed = notifications[method].params.safeParse(m.params);
      assert.ok(parsed.success, `${method} parses: ${JSON.stringify(m.params).slice(0, 300)}`);
      return { method, params: parsed.data };
    });
  }

  /** The events of `subscription` seen so far, once each has passed `declared`. */
  const eventsOf = (subscription: string) =>
    declared(seen)
      .filter((n) => n.method === "event" && n.params.subscription === subscription)
      .map((n) => n.params.event as { kind: string; seq: number; data: Record<string, unknown> });
  const ended = (subscription: string) => eventsOf(subscription).some((e) => e.kind === "exit" || e.kind === "close");

  it("event: a log session's recorded events", async () => {
    const s = await call("sessions.open", { title: "notify" });
    await call("events.append", { session: s.id, kind: "note", data: { text: "before" } });
    await call("events.append", { session: s.id, kind: "action", data: { n: 1 } });
    await call("sessions.close", { session: s.id });
    const { subscription } = await call("events.subscribe", { session: s.id, after: 0 });
    await until(() => ended(subscription));
    assert.deepEqual(
      eventsOf(subscription).map((e) => e.kind),
      ["open", "note", "action", "close"],
    );
  });

  it("event: a PTY session's events, live: launch, output (not UTF-8) and exit", async () => {
    const s = await call("sessions.launch", { argv: ["sh", "-c", "printf '\\377\\376\\n'"], cwd: project, title: "notify pty" });
    const { subscription } = await call("events.subscribe", { session: s.id, after: 0 });
    await until(() => ended(subscription));
    const events = eventsOf(subscription);
    assert.equal(events[0]!.kind, "launch");
    assert.equal(events.at(-1)!.kind, "exit");
    assert.ok(events.some((e) => e.kind === "output" && typeof e.data.b64 === "string"));
  });

  it("projection.progress: a rebuild's import, swap and verify", async () => {
    const before = seen.length;
    const r = await call("projection.rebuild", {});
    assert.equal(r.swapped, true);
    const got = declared(seen.slice(before)).filter((n) => n.method === "projection.progress");
    const phases = got.map((n) => n.params.phase);
    assert.ok(phases.includes("import"), phases.join());
    assert.deepEqual(phases.slice(-2), ["swap", "verify"]);
  });

  it("rpc.discover lists them under x-notifications", async () => {
    const doc = await call("rpc.discover", {});
    assert.deepEqual(
      doc["x-notifications"].map((n: { name: string }) => n.name),
      Object.keys(notifications),
    );
  });

  it("nothing undeclared was sent", () => {
    assert.ok(seen.length > 0);
    declared(seen);
  });
});
