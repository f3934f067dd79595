import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkRequestShape } from "../../src/rpc/request-shape.js";

describe("checkRequestShape", () => {
  it("accepts requests and notifications", () => {
    assert.equal(checkRequestShape({ jsonrpc: "2.0", id: 1, method: "m" }).ok, true);
    assert.equal(checkRequestShape({ jsonrpc: "2.0", method: "m", params: [] }).ok, true);
    assert.equal(checkRequestShape({ jsonrpc: "2.0", id: null, method: "m", params: {} }).ok, true);
  });

  const bad: Array<[string, unknown, unknown]> = [
    ["null", null, null],
    ["an array", [], null],
    ["a string", "x", null],
    ["no jsonrpc", { id: 1, method: "m" }, 1],
    ["empty method", { jsonrpc: "2.0", id: 2, method: "" }, 2],
    ["numeric method", { jsonrpc: "2.0", id: 3, method: 3 }, 3],
    ["null params", { jsonrpc: "2.0", id: 4, method: "m", params: null }, 4],
    ["boolean id", { jsonrpc: "2.0", id: true, method: "m" }, null],
    ["infinite id", { jsonrpc: "2.0", id: Infinity, method: "m" }, null],
    ["an error member", { jsonrpc: "2.0", id: 5, method: "m", error: {} }, 5],
  ];
  for (const [name, msg, id] of bad) {
    it(`rejects ${name}, keeping a valid id`, () => {
      const r = checkRequestShape(msg);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.id, id);
    });
  }
});
