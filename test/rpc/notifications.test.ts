// Notifications are typed from their declarations in protocol/, on both ends: the daemon's
// ctx.notify takes only a declared name (or the declaration) with its params, and the client's
// onNotification hands each listener the params of its own notification, parsed when it is given
// the declaration. The type checks are compile-time: this file builds only while they hold.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { notifications } from "../../protocol/index.js";
import { RpcClient } from "../../src/rpc/client.js";
import { RpcConnection } from "../../src/rpc/connection.js";
import type { CallContext } from "../../src/rpc/context.js";
import { Dispatcher } from "../../src/rpc/dispatcher.js";

const log = { debugEnabled: false, debug() {}, warn() {}, error() {} };
const limits = { maxLineBytes: 1 << 20, maxBatch: 10, maxOutputBytes: 1 << 24, outputHighWaterBytes: 1 << 16, stallMs: 5000, lineIdleMs: 5000 };
const event = { v: 1 as const, session: "s-1", seq: 1, ts: "2026-11-23T10:00:00.000Z", kind: "output", data: { text: "hi" } };

/** Never called: what the compiler accepts and refuses is the test. */
export function typeChecks(ctx: CallContext, client: RpcClient): void {
  ctx.notify("event", { subscription: "s1", event });
  ctx.notify(notifications["projection.progress"], { phase: "import", done: 1, total: 2 });
  // @ts-expect-error: an undeclared notification
  ctx.notify("evnt", { subscription: "s1", event });
  // @ts-expect-error: params of another notification
  ctx.notify("event", { phase: "import", done: 1, total: 2 });
  // @ts-expect-error: a field of the wrong type
  ctx.notify("projection.progress", { phase: "import", done: "1", total: 2 });
  // @ts-expect-error: an undeclared notification
  client.onNotification("projection.progres", () => {});
  client.onNotification("event", (p) => {
    const seq: number = p.event.seq;
    // @ts-expect-error: event's params have no phase
    void p.phase;
    void seq;
  });
  client.onNotification(notifications["projection.progress"], (p) => {
    const phase: string = p.phase;
    // @ts-expect-error: progress has no event
    void p.event;
    void phase;
  });
}

/** A server whose connections are RpcConnections: `onContext` gets each one's CallContext; `raw` gets its socket. */
async function withServer(onContext: (ctx: CallContext, raw: Socket) => void, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wd-nt-"));
  const path = join(dir, "s.sock");
  const dispatcher = new Dispatcher([], log);
  let id = 0;
  const server = createServer((socket) => {
    const conn = new RpcConnection(++id, socket, { uid: 0, gid: 0, pid: 1 }, { restricted: false, agentSession: null }, dispatcher, limits, log);
    onContext(conn.ctx, socket);
  });
  await new Promise<void>((r) => server.listen(path, r));
  try {
    await fn(path);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("notifications", () => {
  it("ctx.notify sends a declared notification by name or by declaration; each listener gets its own, parsed or not", () =>
    withServer(
      (ctx) => {
        ctx.notify("projection.progress", { phase: "import", done: 1, total: 3 });
        ctx.notify(notifications.event, { subscription: "s1", event });
        ctx.notify(notifications["projection.progress"], { phase: "swap", done: 0, total: 1 });
      },
      async (path) => {
        const c = await RpcClient.connect(path);
        const progress: unknown[] = [];
        const events: unknown[] = [];
        const byName: unknown[] = [];
        c.onNotification(notifications["projection.progress"], (p) => progress.push(p));
        c.onNotification(notifications.event, (p) => events.push(p));
        const off = c.onNotification("projection.progress", (p) => byName.push(p));
        await c.call("ping").catch(() => {}); // a round trip: everything sent before the reply has arrived
        assert.deepEqual(progress, [
          { phase: "import", done: 1, total: 3 },
          { phase: "swap", done: 0, total: 1 },
        ]);
        assert.deepEqual(events, [{ subscription: "s1", event }]);
        assert.deepEqual(byName, progress);
        off();
        c.close();
      },
    ));

  it("a notification that does not parse with its declaration fails the connection (kind unavailable)", () =>
    withServer(
      (_ctx, raw) => {
        raw.once("data", () => raw.write(JSON.stringify({ jsonrpc: "2.0", method: "event", params: { subscription: "s1", event: { seq: "one" } } }) + "\n"));
      },
      async (path) => {
        const c = await RpcClient.connect(path);
        let called = false;
        c.onNotification(notifications.event, () => (called = true));
        const failed = new Promise<Error>((resolve) => c.onClose(resolve));
        c.notify("ping", {}); // something for the server to answer with the bad notification
        const err = (await failed) as Error & { kind?: string; details?: Record<string, unknown> };
        assert.equal(err.kind, "unavailable");
        assert.equal(err.details?.notification, "event");
        assert.equal(called, false);
        c.close();
      },
    ));

  it("a later daemon's extra fields do not break a client that parses", () =>
    withServer(
      (_ctx, raw) => {
        raw.once("data", () =>
          raw.write(JSON.stringify({ jsonrpc: "2.0", method: "projection.progress", params: { phase: "import", done: 1, total: 2, eta: 5 } }) + "\n"),
        );
      },
      async (path) => {
        const c = await RpcClient.connect(path);
        const seen = new Promise<unknown>((resolve) => c.onNotification(notifications["projection.progress"], resolve));
        c.notify("ping", {});
        assert.deepEqual(await seen, { phase: "import", done: 1, total: 2 });
        c.close();
      },
    ));
});
