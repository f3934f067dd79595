// The protocol package is the single source: generated files must match it, and every declared
// method must follow the conventions clients rely on.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { errorKinds, methodList, methods, notificationList, notifications } from "../../protocol/index.js";
import { buildOpenRpc } from "../../protocol/openrpc.js";
import { packageInfo, packageRoot } from "../../src/platform/package-info.js";
import { renderOpenRpc, renderProtocolMd } from "../../tools/protocol-docs.js";

const dir = join(packageRoot(), "protocol");

describe("generated protocol files", () => {
  it("protocol/openrpc.json is current (run `npm run protocol`)", () => {
    assert.equal(readFileSync(join(dir, "openrpc.json"), "utf8"), renderOpenRpc(packageInfo().version));
  });

  it("protocol/PROTOCOL.md's generated sections are current (run `npm run protocol`)", () => {
    const current = readFileSync(join(dir, "PROTOCOL.md"), "utf8");
    assert.equal(current, renderProtocolMd(current, packageInfo().version));
  });
});

describe("method declarations", () => {
  it("are keyed by their own names", () => {
    for (const [key, m] of Object.entries(methods)) assert.equal(m.name, key);
  });

  for (const m of methodList) {
    it(`${m.name}: params are strict by-name objects`, () => {
      const probe = m.params.safeParse({ __unknown_key__: 1 });
      assert.equal(probe.success, false);
      if (!probe.success) assert.ok(probe.error.issues.some((i) => i.code === "unrecognized_keys"));
      assert.equal(m.params.safeParse([]).success, false);
    });

    if (m.example) {
      it(`${m.name}: its example matches its schemas`, () => {
        assert.equal(m.params.safeParse(m.example!.params).success, true);
        assert.equal(m.result.safeParse(m.example!.result).success, true);
      });
    }
  }

  it("error codes are standard or in the -32000..-32099 application band", () => {
    for (const [kind, e] of Object.entries(errorKinds)) {
      assert.ok([-32700, -32600, -32601, -32602, -32603].includes(e.code) || (e.code <= -32000 && e.code >= -32099), kind);
    }
  });
});

describe("notification declarations", () => {
  it("are keyed by their own names, and none shares a name with a method", () => {
    for (const [key, n] of Object.entries(notifications)) {
      assert.equal(n.name, key);
      assert.equal(Object.hasOwn(methods, key), false, key);
    }
  });

  for (const n of notificationList) {
    it(`${n.name}: sent after declared methods`, () => {
      assert.ok(n.sentBy.length > 0);
      for (const m of n.sentBy) assert.ok(Object.hasOwn(methods, m), m);
    });

    it(`${n.name}: its example parses, and so does it with a field a later version may add`, () => {
      assert.ok(n.example);
      assert.equal(n.params.safeParse(n.example).success, true);
      assert.equal(n.params.safeParse({ ...(n.example as object), __later_field__: 1 }).success, true);
      assert.equal(n.params.safeParse([]).success, false);
    });
  }

  it("OpenRPC lists them under x-notifications, and only those a served method starts", () => {
    const all = buildOpenRpc(methodList, "0", notificationList) as { "x-notifications": Array<{ name: string; "x-sent-by": string[] }> };
    assert.deepEqual(
      all["x-notifications"].map((n) => n.name),
      notificationList.map((n) => n.name),
    );
    const agentOnly = buildOpenRpc(
      methodList.filter((m) => m.agent),
      "0",
      notificationList,
    ) as { "x-notifications": unknown[] };
    assert.deepEqual(agentOnly["x-notifications"], []);
  });
});
