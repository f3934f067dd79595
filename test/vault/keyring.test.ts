// Keys in secure memory: lifetimes on mocked timers (setTimeout and Date, so deadlines are exact),
// zeroization and PROT_NONE checked in child processes (touching protected memory kills the
// process, as it should).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { packageRoot } from "../../src/platform/package-info.js";
import { Keyring, type EvictionReason } from "../../src/vault/keyring.js";

const probe = (mode: string) =>
  spawnSync(process.execPath, [join(packageRoot(), "test", "fixtures", "keyring-probe.mjs"), join(packageRoot(), "dist"), mode], { encoding: "utf8" });

function ring() {
  const evicted: Array<[string, EvictionReason]> = [];
  return { ring: new Keyring((v, r) => evicted.push([v, r])), evicted };
}

describe("Keyring", () => {
  it("holds a key, reports its lifetimes, and refuses a key that does not verify", () => {
    const { ring: k } = ring();
    assert.equal(
      k.add("bad", Buffer.alloc(32, 1), () => false, "id", 1000, 1000),
      null,
    );
    assert.equal(k.has("bad"), false);
    const info = k.add("v", Buffer.alloc(32, 1), () => true, "id", 5000, 9000)!;
    assert.equal(info.idleSecs, 5);
    assert.equal(info.maxSecs, 9);
    assert.deepEqual(k.unlockedVaults(), ["v"]);
    assert.equal(
      k.use("v", "id", (keys) => keys.length),
      64,
    );
    k.lockAll();
  });

  it("never hands setTimeout more than its 24.8-day ceiling (no TimeoutOverflowWarning)", async () => {
    const { ring: k } = ring();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    k.add("v", Buffer.alloc(32, 1), () => true, "id", 30 * 86400_000, 30 * 86400_000);
    await new Promise((r) => setImmediate(r)); // the warning is emitted on the next tick
    process.off("warning", onWarning);
    k.lockAll();
    assert.deepEqual(warnings, []);
  });

  describe("lifetimes", () => {
    beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 }));
    afterEach(() => mock.timers.reset());

    it("evicts after the idle lifetime; a successful read (touch) extends it, a use alone does not", () => {
      const { ring: k, evicted } = ring();
      k.add("v", Buffer.alloc(32, 1), () => true, "id", 600, 20_000);
      mock.timers.tick(400);
      k.use("v", "id", () => 0);
      k.touch("v"); // idle deadline now 1000 ms from unlock
      mock.timers.tick(599);
      assert.equal(k.has("v"), true, "still held: the read extended the idle lifetime");
      k.use("v", "id", () => 0); // a read that failed later (not found, denied) does not touch
      assert.deepEqual(evicted, []);
      mock.timers.tick(1);
      assert.equal(k.has("v"), false);
      assert.deepEqual(evicted, [["v", "idle"]]);
      assert.throws(
        () => k.use("v", "id", () => 0),
        (e: any) => e.kind === "vault_locked",
      );
    });

    it("arms lifetimes beyond setTimeout's 24.8-day ceiling without firing early", () => {
      // The mocked setTimeout, like the real one, fires at once when given more than 2^31-1 ms.
      const { ring: k, evicted } = ring();
      const month = 30 * 86400_000;
      k.add("v", Buffer.alloc(32, 1), () => true, "id", month, month);
      mock.timers.tick(1);
      assert.equal(k.has("v"), true, "not fired at once");
      mock.timers.tick(2 ** 31);
      assert.equal(k.has("v"), true, "woke at the ceiling and re-armed");
      mock.timers.tick(month - 2 ** 31 - 2);
      assert.equal(k.has("v"), true);
      assert.deepEqual(evicted, []);
      mock.timers.tick(1);
      assert.equal(k.has("v"), false, "evicted at the month");
      assert.deepEqual(evicted, [["v", "max"]]);
    });

    it("evicts at the hard maximum however often it is used", () => {
      const { ring: k, evicted } = ring();
      k.add("v", Buffer.alloc(32, 1), () => true, "id", 10_000, 400);
      for (let i = 0; i < 3; i++) {
        mock.timers.tick(100);
        k.use("v", "id", () => 0);
        k.touch("v");
      }
      mock.timers.tick(99);
      assert.equal(k.has("v"), true);
      mock.timers.tick(1);
      assert.equal(k.has("v"), false);
      assert.deepEqual(evicted, [["v", "max"]]);
    });
  });

  it("drops a key of another generation (the vault was rekeyed) with vault_locked, as an eviction", () => {
    const { ring: k, evicted } = ring();
    k.add("v", Buffer.alloc(32, 1), () => true, "old", 10_000, 10_000);
    assert.throws(
      () => k.use("v", "new", () => 0),
      (e: any) => e.kind === "vault_locked" && e.details.reason === "rekeyed",
    );
    assert.equal(k.has("v"), false);
    assert.deepEqual(evicted, [["v", "rekeyed"]]);
  });

  it("zeroizes the key on lock, and wipes the master key it was given (child process)", () => {
    const r = probe("zeroized");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.notEqual(out.during, "00".repeat(64), "the key was real while in use");
    assert.equal(out.atFree, "00".repeat(64));
    assert.equal(out.masterWiped, true);
  });

  for (const mode of ["touch", "touch-after-read"]) {
    it(`keeps the key PROT_NONE while idle (${mode}): touching it kills the process (child process)`, () => {
      const r = probe(mode);
      assert.match(r.stdout, /^touching/);
      assert.ok(!r.stdout.includes("survived"));
      assert.ok(r.signal === "SIGSEGV" || r.signal === "SIGBUS", `expected a memory fault, got status ${r.status} signal ${r.signal}`);
    });
  }
});
