// JSON-RPC 2.0 and NDJSON framing conformance, on the wire, against a real daemon process.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { RawClient } from "../helpers/raw-client.js";

const MAX_LINE = 4096;
const MAX_BATCH = 10;
let home: TempHome;
let daemon: TestDaemon;
let c: RawClient;

before(async () => {
  home = tempHome({ server: { maxLineBytes: MAX_LINE, maxBatch: MAX_BATCH } });
  daemon = await startTestDaemon(home);
  c = await RawClient.connect(daemon.socket);
});
after(async () => {
  c?.close();
  await daemon?.kill();
  home?.cleanup();
});

const req = (id: unknown, method: string, params?: unknown) => ({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });

describe("requests", () => {
  it("answers a request with its id and result", async () => {
    assert.deepEqual(await c.request(req(1, "ping")), { jsonrpc: "2.0", id: 1, result: { pong: true } });
    assert.deepEqual(await c.request(req("abc", "ping", {})), { jsonrpc: "2.0", id: "abc", result: { pong: true } });
  });

  it("answers a request whose id is null", async () => {
    assert.deepEqual(await c.request(req(null, "ping")), { jsonrpc: "2.0", id: null, result: { pong: true } });
  });

  it("returns -32601 method_not_found for an unknown method", async () => {
    const r = await c.request(req(2, "no.such.method"));
    assert.equal(r.id, 2);
    assert.equal(r.error.code, -32601);
    assert.equal(r.error.data.kind, "method_not_found");
  });

  it("returns -32602 with zod issues for an unknown param key", async () => {
    const r = await c.request(req(3, "ping", { extra: 1 }));
    assert.equal(r.error.code, -32602);
    assert.equal(r.error.data.kind, "invalid_params");
    assert.equal(r.error.data.issues[0].code, "unrecognized_keys");
  });

  it("returns -32602 for a wrong param type and for by-position params", async () => {
    const wrongType = await c.request(req(4, "shutdown", { reason: 42 }));
    assert.equal(wrongType.error.code, -32602);
    assert.deepEqual(wrongType.error.data.issues[0].path, ["reason"]);
    const positional = await c.request(req(5, "ping", []));
    assert.equal(positional.error.code, -32602);
    assert.equal(positional.error.data.kind, "invalid_params");
  });

  it("never echoes param values in an invalid-params error", async () => {
    const secret = "sk-live-" + "S".repeat(300);
    const r = await c.request(req(6, "shutdown", { reason: secret }));
    assert.equal(r.error.code, -32602);
    assert.equal(r.error.data.issues[0].code, "too_big");
    assert.ok(!JSON.stringify(r).includes("sk-live-"));
  });
});

describe("invalid requests", () => {
  const cases: Array<[string, unknown, unknown]> = [
    ["wrong jsonrpc version", { jsonrpc: "1.0", id: 10, method: "ping" }, 10],
    ["missing jsonrpc", { id: 11, method: "ping" }, 11],
    ["non-string method", { jsonrpc: "2.0", id: 12, method: 1 }, 12],
    ["scalar params", { jsonrpc: "2.0", id: 13, method: "ping", params: "bar" }, 13],
    ["object id", { jsonrpc: "2.0", id: { a: 1 }, method: "ping" }, null],
    ["a response object", { jsonrpc: "2.0", id: 14, result: 1 }, 14],
    ["a non-object", 42, null],
  ];
  for (const [name, message, id] of cases) {
    it(`answers -32600 for ${name}`, async () => {
      const r = await c.request(message);
      assert.equal(r.error.code, -32600);
      assert.equal(r.error.data.kind, "invalid_request");
      assert.equal(r.id, id);
    });
  }

  it("answers an id-less invalid request (spec: -32600 with id null)", async () => {
    const r = await c.request({ jsonrpc: "2.0", method: 1, params: "bar" });
    assert.equal(r.error.code, -32600);
    assert.equal(r.id, null);
  });

  it("answers -32700 with id null for unparseable JSON", async () => {
    c.write('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]\n');
    const r = await c.next();
    assert.equal(r.error.code, -32700);
    assert.equal(r.error.data.kind, "parse_error");
    assert.equal(r.id, null);
  });

  it("answers -32700 for invalid UTF-8, and the connection stays usable", async () => {
    c.write(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"p'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    const r = await c.next();
    assert.equal(r.error.code, -32700);
    assert.equal(r.id, null);
    assert.deepEqual((await c.request(req(15, "ping"))).result, { pong: true });
  });
});

describe("notifications", () => {
  it("never answers a notification, even for an unknown method or bad params", async () => {
    await c.expectSilence(JSON.stringify({ jsonrpc: "2.0", method: "ping" }));
    await c.expectSilence(JSON.stringify({ jsonrpc: "2.0", method: "no.such.method" }));
    await c.expectSilence(JSON.stringify({ jsonrpc: "2.0", method: "ping", params: { bogus: true } }));
  });
});

describe("batches", () => {
  it("answers an empty batch with a single -32600 object", async () => {
    const r = await c.request([]);
    assert.ok(!Array.isArray(r));
    assert.equal(r.error.code, -32600);
    assert.equal(r.id, null);
  });

  it("answers [1] and [1,2,3] with one -32600 per member", async () => {
    const one = await c.request([1]);
    assert.equal(one.length, 1);
    assert.equal(one[0].error.code, -32600);
    const three = await c.request([1, 2, 3]);
    assert.equal(three.length, 3);
    for (const r of three) assert.equal(r.error.code, -32600);
  });

  it("answers a mixed batch with an array of replies for the non-notifications only", async () => {
    const r = await c.request([req("a", "ping"), { jsonrpc: "2.0", method: "ping" }, req("b", "no.such"), { foo: "boo" }, req("c", "ping", { nope: 1 })]);
    assert.ok(Array.isArray(r));
    assert.equal(r.length, 4);
    const byId = new Map(r.filter((x: any) => x.id !== null).map((x: any) => [x.id, x]));
    assert.deepEqual((byId.get("a") as any).result, { pong: true });
    assert.equal((byId.get("b") as any).error.code, -32601);
    assert.equal((byId.get("c") as any).error.code, -32602);
    assert.equal(r.filter((x: any) => x.id === null)[0].error.code, -32600);
  });

  it("answers a one-request batch with a one-element array", async () => {
    const r = await c.request([req("solo", "ping")]);
    assert.deepEqual(r, [{ jsonrpc: "2.0", id: "solo", result: { pong: true } }]);
  });

  it("sends nothing for a batch of notifications only", async () => {
    await c.expectSilence(
      JSON.stringify([
        { jsonrpc: "2.0", method: "ping" },
        { jsonrpc: "2.0", method: "health" },
      ]),
    );
  });

  it("accepts maxBatch members and refuses one more with batch_too_large, running none", async () => {
    const full = await c.request(Array.from({ length: MAX_BATCH }, (_, i) => req(i, "ping")));
    assert.equal(full.length, MAX_BATCH);
    const over = await c.request(Array.from({ length: MAX_BATCH + 1 }, (_, i) => req(i, "shutdown")));
    assert.equal(over.error.code, -32600);
    assert.equal(over.error.data.kind, "batch_too_large");
    assert.deepEqual((await c.request(req("alive", "ping"))).result, { pong: true }, "no shutdown ran");
  });

  it("answers an invalid JSON batch with a single -32700", async () => {
    c.write('[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method"\n');
    const r = await c.next();
    assert.equal(r.error.code, -32700);
  });
});

describe("framing", () => {
  it("reassembles a message split over many chunks", async () => {
    const line = JSON.stringify(req("split", "ping")) + "\n";
    for (let i = 0; i < line.length; i += 5) {
      c.write(line.slice(i, i + 5));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await c.next()).id, "split");
  });

  it("handles a slow byte-by-byte writer, including a multi-byte character split mid-sequence", async () => {
    const bytes = Buffer.from(JSON.stringify(req("é-slow", "ping")) + "\n");
    for (const b of bytes) {
      c.write(Buffer.from([b]));
      await new Promise((r) => setTimeout(r, 1));
    }
    assert.equal((await c.next()).id, "é-slow");
  });

  it("handles many messages in one chunk", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `m${i}`);
    c.write(ids.map((id) => JSON.stringify(req(id, "ping"))).join("\n") + "\n");
    const seen = new Set<string>();
    for (let i = 0; i < ids.length; i++) seen.add((await c.next()).id);
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });

  it("answers an unterminated last line when the client half-closes, then closes", async () => {
    const half = await RawClient.connect(daemon.socket);
    half.socket.end(JSON.stringify(req("tail", "ping")));
    assert.deepEqual(await half.next(), { jsonrpc: "2.0", id: "tail", result: { pong: true } });
    assert.equal(await half.nextLine(), null);
  });

  it("accepts CRLF line endings and ignores blank lines", async () => {
    c.write("\n\r\n" + JSON.stringify(req("crlf", "ping")) + "\r\n");
    assert.equal((await c.next()).id, "crlf");
  });

  it("rejects an oversize line with line_too_long, discards it, and stays usable", async () => {
    const huge = JSON.stringify(req("huge", "ping", { pad: "x".repeat(MAX_LINE * 3) }));
    c.write(huge.slice(0, 100));
    c.write(huge.slice(100) + "\n" + JSON.stringify(req("after", "ping")) + "\n");
    const err = await c.next();
    assert.equal(err.error.code, -32600);
    assert.equal(err.error.data.kind, "line_too_long");
    assert.equal(err.id, null);
    const next = await c.next();
    assert.equal(next.id, "after");
    assert.deepEqual(next.result, { pong: true });
  });

  it("accepts a line of exactly maxLineBytes", async () => {
    const base = JSON.stringify(req("edge", "ping", { p: "" }));
    const line = JSON.stringify(req("edge", "ping", { p: "y".repeat(MAX_LINE - base.length) }));
    assert.equal(Buffer.byteLength(line), MAX_LINE);
    const r = await c.request(JSON.parse(line));
    assert.equal(r.id, "edge");
    assert.equal(r.error.data.kind, "invalid_params", "reaches dispatch: p is not a ping param");
  });
});
