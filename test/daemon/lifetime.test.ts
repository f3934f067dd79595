import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Lifetime } from "../../src/daemon/lifetime.js";

describe("Lifetime", () => {
  it("disposes in reverse order, keeps going past a failure, and runs once", async () => {
    const order: string[] = [];
    const errors: string[] = [];
    const l = new Lifetime((name) => errors.push(name));
    l.defer("lock", () => void order.push("lock"));
    l.defer("log", () => {
      order.push("log");
      throw new Error("x");
    });
    l.defer("socket", async () => void order.push("socket"));
    await Promise.all([l.dispose(), l.dispose()]);
    assert.deepEqual(order, ["socket", "log", "lock"]);
    assert.deepEqual(errors, ["log"]);
    assert.throws(() => l.defer("late", () => {}));
  });
});
