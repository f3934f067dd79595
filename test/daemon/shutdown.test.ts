// Graceful stop of the socket server with requests in flight, using a real socket and a test
// method that takes as long as it is told to.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { z } from "zod";
import { methods } from "../../protocol/index.js";
import { defineMethod } from "../../protocol/method.js";
import { bind, type Dispatcher } from "../../src/rpc/dispatcher.js";
import { pollUntil } from "../helpers/poll.js";
import { RawClient } from "../helpers/raw-client.js";
import { serve, type TestServer } from "../helpers/server.js";

const sleep = defineMethod({
  name: "test.sleep",
  summary: "s",
  description: "d",
  params: z.strictObject({ ms: z.number() }),
  result: z.object({ slept: z.number() }),
});

let t: TestServer;
afterEach(() => t?.close());

/** The test.sleep calls that have finished, by their ms. */
const finished: number[] = [];
const start = async () =>
  (t = await serve([
    bind(methods.ping, () => ({ pong: true as const })),
    bind(sleep, async ({ ms }) => (await new Promise((r) => setTimeout(r, ms)), finished.push(ms), { slept: ms })),
  ]));

/** Waits until the dispatcher is running `n` requests: no guessing with sleeps. */
async function untilInFlight(dispatcher: Dispatcher, n: number): Promise<void> {
  await pollUntil(() => dispatcher.inFlight >= n, { what: `${n} requests in flight`, everyMs: 5 });
}

describe("SocketServer.shutdown", () => {
  it("answers in-flight requests before closing, and refuses new ones with shutting_down", async () => {
    const { server, path, dispatcher } = await start();
    const c = await RawClient.connect(path);
    c.write(JSON.stringify({ jsonrpc: "2.0", id: "slow", method: "test.sleep", params: { ms: 300 } }) + "\n");
    await untilInFlight(dispatcher, 1);
    const done = server.shutdown(5000);
    c.write(JSON.stringify({ jsonrpc: "2.0", id: "late", method: "ping" }) + "\n");
    const replies = [await c.next(), await c.next()];
    const late = replies.find((r) => r.id === "late");
    const slow = replies.find((r) => r.id === "slow");
    assert.equal(late.error.data.kind, "shutting_down");
    assert.deepEqual(slow.result, { slept: 300 });
    await done;
    assert.equal(await c.nextLine(), null, "closed after the replies");
    await assert.rejects(RawClient.connect(path), { code: "ENOENT" });
  });

  it("gives up on a request that outlasts the grace period", async () => {
    const { server, path, dispatcher } = await start();
    const c = await RawClient.connect(path);
    c.write(JSON.stringify({ jsonrpc: "2.0", id: "forever", method: "test.sleep", params: { ms: 3000 } }) + "\n");
    await untilInFlight(dispatcher, 1);
    await server.shutdown(200);
    assert.ok(!finished.includes(3000), "shutdown did not wait for the request");
    assert.equal(await c.nextLine(), null, "closed without the reply");
  });
});
