import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { defineMethod } from "../../protocol/method.js";
import type { CallContext } from "../../src/rpc/context.js";
import { Dispatcher, bind } from "../../src/rpc/dispatcher.js";
import { RpcError } from "../../src/rpc/errors.js";

const echo = defineMethod({
  name: "test.echo",
  summary: "s",
  description: "d",
  params: z.strictObject({ text: z.string(), times: z.number().int().default(1) }),
  result: z.object({ text: z.string() }),
  agent: true,
});
const boom = defineMethod({ name: "test.boom", summary: "s", description: "d", params: z.strictObject({}), result: z.object({}) });
const nothing = defineMethod({ name: "test.nothing", summary: "s", description: "d", params: z.strictObject({}), result: z.object({}) });
const typed = defineMethod({ name: "test.typed", summary: "s", description: "d", params: z.strictObject({}), result: z.object({}) });

function setup() {
  const logged: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const log = {
    debugEnabled: true,
    debug: (msg: string, fields?: Record<string, unknown>) => void logged.push({ msg, fields }),
    warn() {},
    error: (msg: string, fields?: Record<string, unknown>) => void logged.push({ msg, fields }),
  };
  const d = new Dispatcher(
    [
      bind(echo, ({ text, times }) => ({ text: text.repeat(times) })),
      bind(boom, () => {
        throw new Error("disk on fire at /secret/path");
      }),
      bind(nothing, () => undefined as unknown as Record<string, never>),
      bind(typed, () => {
        throw new RpcError("not_found", "no such thing", { name: "x" });
      }),
    ],
    log,
  );
  return { d, logged };
}

const ctx = (restricted = false): CallContext => ({
  connectionId: 1,
  peer: { uid: 0, gid: 0, pid: 1 },
  restricted,
  agentSession: null,
  notify() {},
  backlog: () => 0,
  drained: async () => {},
  closed: new Promise<void>(() => {}),
});
const call = (d: Dispatcher, method: string, params?: unknown, c = ctx()) => d.dispatch({ jsonrpc: "2.0", id: 1, method, params } as never, c) as Promise<any>;

describe("Dispatcher", () => {
  it("validates params, applies defaults and returns the result", async () => {
    const { d } = setup();
    assert.deepEqual((await call(d, "test.echo", { text: "ab", times: 2 })).result, { text: "abab" });
    assert.deepEqual((await call(d, "test.echo", { text: "ab" })).result, { text: "ab" });
  });

  it("rejects unknown keys, wrong types, missing keys and arrays with -32602", async () => {
    const { d } = setup();
    for (const params of [{ text: "a", extra: 1 }, { text: 1 }, {}, ["a"], undefined]) {
      const r = await call(d, "test.echo", params);
      assert.equal(r.error.code, -32602, JSON.stringify(params));
      assert.equal(r.error.data.kind, "invalid_params");
      assert.ok(Array.isArray(r.error.data.issues));
    }
  });

  it("hides a handler's internal error from the reply and logs it with the method", async () => {
    const { d, logged } = setup();
    const r = await call(d, "test.boom", {});
    assert.equal(r.error.code, -32603);
    assert.equal(r.error.data.kind, "internal");
    assert.ok(!JSON.stringify(r).includes("/secret/path"));
    const failure = logged.find((l) => l.msg === "handler failed");
    assert.equal(failure?.fields?.method, "test.boom");
  });

  it("turns a handler that returns nothing into -32603, never a reply without a result", async () => {
    const { d } = setup();
    const r = await call(d, "test.nothing", {});
    assert.equal(r.error.code, -32603);
  });

  it("passes an RpcError through with its code, kind and details", async () => {
    const { d } = setup();
    const r = await call(d, "test.typed", {});
    assert.deepEqual(r.error, { code: -32002, message: "no such thing", data: { name: "x", kind: "not_found" } });
  });

  it("answers method_not_found, and nothing for an unknown notification", async () => {
    const { d } = setup();
    const r = await call(d, "nope");
    assert.equal(r.error.code, -32601);
    assert.equal(r.error.data.kind, "method_not_found");
    assert.equal(await d.dispatch({ jsonrpc: "2.0", method: "nope" } as never, ctx()), null);
  });

  it("serves only agent methods on a restricted connection", async () => {
    const { d } = setup();
    assert.deepEqual((await call(d, "test.echo", { text: "a" }, ctx(true))).result, { text: "a" });
    const r = await call(d, "test.typed", {}, ctx(true));
    assert.equal(r.error.data.kind, "denied");
  });

  it("refuses new requests with shutting_down once asked, and counts what it served", async () => {
    const { d } = setup();
    await call(d, "test.echo", { text: "a" });
    d.refuseNew();
    const r = await call(d, "test.echo", { text: "a" });
    assert.equal(r.error.data.kind, "shutting_down");
    assert.equal(d.served, 1);
    assert.equal(d.inFlight, 0);
  });

  it("logs each request at debug level with param names, never values", async () => {
    const { d, logged } = setup();
    await call(d, "test.echo", { text: "hunter2-secret" });
    const line = logged.find((l) => l.msg === "request");
    assert.deepEqual(line?.fields?.paramNames, ["text"]);
    assert.equal(line?.fields?.outcome, "ok");
    assert.ok(!JSON.stringify(logged).includes("hunter2"));
  });

  it("refuses to bind one method twice", () => {
    assert.throws(
      () =>
        new Dispatcher([bind(echo, ({ text }) => ({ text })), bind(echo, ({ text }) => ({ text }))], {
          debugEnabled: false,
          debug() {},
          warn() {},
          error() {},
        }),
    );
  });
});
