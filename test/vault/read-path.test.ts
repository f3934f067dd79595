// The read path the daemon and direct mode share: the default-vault rule, and what a read records.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AuditFields } from "../../src/ledger/audit-log.js";
import { RpcError } from "../../src/rpc/errors.js";
import { readDigester } from "../../src/vault/audit-digests.js";
import { auditFailed, defaultVault, readCoalesced, readNow, type ReadAccess } from "../../src/vault/read-path.js";
import { findEntry, newVault, putEntry, type EntryPlain, type VaultDoc } from "../../src/vault/store.js";

let dir: string;
/** A $WARDEN_HOME whose vaults/ holds (empty) files for `vaults`. */
function homeWith(vaults: string[]): string {
  const home = mkdtempSync(join(dir, "h-"));
  mkdirSync(join(home, "vaults"));
  for (const v of vaults) writeFileSync(join(home, "vaults", `${v}.vault`), "{}");
  return home;
}
before(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-rp-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const refusedKind = (fn: () => unknown, kind: string) => assert.throws(fn, (e: any) => e instanceof RpcError && e.kind === kind);

describe("defaultVault: one rule", () => {
  it("config vault.default wins over everything", () => {
    assert.equal(defaultVault(homeWith(["a", "b"]), "b", ["a"]), "b");
    assert.equal(defaultVault(homeWith([]), "elsewhere", []), "elsewhere");
  });

  it("a single vault is the default, unlocked or not", () => {
    const home = homeWith(["only"]);
    assert.equal(defaultVault(home, undefined, []), "only");
    assert.equal(defaultVault(home, undefined, ["only"]), "only");
  });

  it("of several, the only one unlocked (a daemon's); with none unlocked (direct mode) it must be named", () => {
    const home = homeWith(["a", "b"]);
    assert.equal(defaultVault(home, undefined, ["b"]), "b");
    refusedKind(() => defaultVault(home, undefined, []), "invalid_params");
    refusedKind(() => defaultVault(home, undefined, ["a", "b"]), "invalid_params");
  });

  it("no vault at all: invalid_params listing none", () => {
    assert.throws(
      () => defaultVault(homeWith([]), undefined, []),
      (e: any) => e.kind === "invalid_params" && e.code === -32602 && Array.isArray(e.details.vaults) && e.details.vaults.length === 0,
    );
  });
});

describe("a read's records", () => {
  let doc: VaultDoc;
  let keys: Buffer;
  let home: string;
  const entry = (name: string, value: string, scopes: string[]): EntryPlain => ({
    name,
    value,
    scopes,
    description: "",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  });
  before(async () => {
    const v = await newVault(Buffer.from("correct horse battery staple"), "interactive");
    keys = v.keys;
    doc = putEntry(putEntry(v.doc, keys, entry("PLAIN", "plain-value-1", [])), keys, entry("SCOPED", "scoped-value-1", ["ci"]));
    home = homeWith(["work"]);
  });
  const access = (): ReadAccess => ({ home, configured: undefined, unlocked: () => [], entry: (_vault, name) => findEntry(doc, keys, name, "work.vault") });
  const read = { name: "PLAIN", reason: "test" };

  it("an allowed read is recorded ok with the vault it resolved to", () => {
    const records: AuditFields[] = [];
    const r = readNow(read, access(), (f) => records.push(f));
    assert.deepEqual([r.vault, r.entry.value], ["work", "plain-value-1"]);
    assert.deepEqual(
      records.map((x) => [x.action, x.outcome, x.kind, x.vault, x.name]),
      [["get", "ok", undefined, "work", "PLAIN"]],
    );
  });

  it("a refusal is recorded: scope_denied as denied, not_found as error", () => {
    const records: AuditFields[] = [];
    refusedKind(() => readNow({ name: "SCOPED", reason: "t" }, access(), (f) => records.push(f)), "scope_denied");
    refusedKind(() => readNow({ name: "NOPE", reason: "t" }, access(), (f) => records.push(f)), "not_found");
    assert.deepEqual(
      records.map((x) => [x.outcome, x.kind, x.vault]),
      [
        ["denied", "scope_denied", "work"],
        ["error", "not_found", "work"],
      ],
    );
  });

  it("a record that cannot be written refuses the read, and nothing more is recorded", () => {
    let calls = 0;
    refusedKind(
      () =>
        readNow(read, access(), () => {
          calls++;
          throw auditFailed("test");
        }),
      "unavailable",
    );
    assert.equal(calls, 1);
  });

  it("a coalesced read is looked up again once its record is written: a change while it waited is honoured", async () => {
    const records: AuditFields[] = [];
    let gone = false;
    const a: ReadAccess = { ...access(), entry: (v, name) => (gone ? null : access().entry(v, name)) };
    await assert.rejects(
      readCoalesced(read, a, (f) => {
        records.push(f);
        if (f.outcome !== "ok") return null;
        gone = true; // removed while the record was pending
        return Promise.resolve();
      }),
      (e: any) => e.kind === "not_found",
    );
    assert.deepEqual(
      records.map((x) => [x.outcome, x.kind]),
      [
        ["ok", undefined],
        ["error", "not_found"],
      ],
    );
  });

  it("records keyed digests of the reason and the value served: equal for equal values, not SHA-256, per daemon.key", async () => {
    const digestsOf = (key: Buffer, name = "PLAIN", reason = "test") => {
      const records: AuditFields[] = [];
      readNow({ name, reason }, { ...access(), digests: readDigester(key) }, (f) => records.push(f));
      return records[0]!.digests!;
    };
    const key = Buffer.alloc(32, 7);
    const first = digestsOf(key);
    assert.deepEqual(digestsOf(key), first, "two reads of the same value: the same digests");
    assert.match(first.value!, /^[0-9a-f]{64}$/);
    assert.notEqual(first.value, createHash("sha256").update("plain-value-1").digest("hex"), "not a bare hash a guess could confirm");
    assert.notEqual(digestsOf(Buffer.alloc(32, 8)).value, first.value, "another daemon.key, another digest");
    assert.notEqual(digestsOf(key, "PLAIN", "other reason").reason, first.reason);
    const records: AuditFields[] = [];
    refusedKind(() => readNow({ name: "SCOPED", reason: "test" }, { ...access(), digests: readDigester(key) }, (f) => records.push(f)), "scope_denied");
    assert.deepEqual(records[0]!.digests, { reason: first.reason }, "a refused read served no value: its reason's digest only");
    const all = JSON.stringify(records);
    assert.ok(!all.includes("scoped-value-1"), "never the value itself");
  });
});
