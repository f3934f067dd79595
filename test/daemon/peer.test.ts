// The peer-uid check, runnable as any user: the server is told to serve another uid (and, for
// when the tests run as root, not to let root in), so this process, connecting as itself, is the
// stranger.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import { methods } from "../../protocol/index.js";
import { bind } from "../../src/rpc/dispatcher.js";
import { RawClient } from "../helpers/raw-client.js";
import { serve, type TestServer } from "../helpers/server.js";

let t: TestServer;
afterEach(() => t?.close());
const ping = bind(methods.ping, () => ({ pong: true as const }));
const me = process.getuid!();

describe("peer credentials", () => {
  it("serves a peer of the allowed uid", async () => {
    t = await serve([ping]);
    const c = await RawClient.connect(t.path);
    assert.deepEqual((await c.request({ jsonrpc: "2.0", id: 1, method: "ping" })).result, { pong: true });
    c.close();
  });

  it("lets root in by default, whatever uid it serves", { skip: me !== 0 && "needs root" }, async () => {
    t = await serve([ping], { allowedUid: me + 1 });
    const c = await RawClient.connect(t.path);
    assert.deepEqual((await c.request({ jsonrpc: "2.0", id: 1, method: "ping" })).result, { pong: true });
    c.close();
  });

  it("refuses a peer of another uid with one peer_denied line, then closes", async () => {
    t = await serve([ping], { allowedUid: me + 1, allowRoot: false });
    const c = await RawClient.connect(t.path);
    c.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) + "\n");
    const reply = await c.next();
    assert.equal(reply.id, null);
    assert.equal(reply.error.code, -32001);
    assert.equal(reply.error.data.kind, "peer_denied");
    assert.equal(reply.error.data.uid, me);
    assert.equal(await c.nextLine(), null, "closed; the ping was never answered");
    const logged = readFileSync(t.logPath, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const refusal = logged.find((r) => r.event === "connection_refused");
    assert.equal(refusal.reason, "peer_uid");
    assert.equal(refusal.peer.pid, process.pid, "the peer's pid is observed, not declared");
  });
});
