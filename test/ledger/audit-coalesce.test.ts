import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AuditCoalescer } from "../../src/ledger/audit-coalesce.js";
import { AuditLog, type AuditFields } from "../../src/ledger/audit-log.js";
import { verifyAuditChain } from "../../src/ledger/audit-read.js";

let dir: string;
let log: AuditLog;
const path = () => join(dir, "a.jsonl");
const records = () =>
  readFileSync(path(), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, any>);
const read = (reason = "r"): AuditFields => ({ action: "get", outcome: "ok", vault: "v", name: "K", reason });
/** Settles to "waiting" while the promise is pending. */
const state = async (p: Promise<void> | null) =>
  p === null
    ? "recorded"
    : await Promise.race([
        p.then(
          () => "answered",
          () => "failed",
        ),
        new Promise((r) => setImmediate(() => r("waiting"))),
      ]);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-coalesce-"));
  mock.timers.enable({ apis: ["Date", "setTimeout"], now: Date.parse("2026-01-01T00:00:00Z") });
  log = new AuditLog(path(), "h", { hold: true });
});
afterEach(() => {
  log.close();
  mock.timers.reset();
  rmSync(dir, { recursive: true, force: true });
});

const opts = { windowMs: 1000, firstFlushMs: 10, maxWaiting: 1000 };

describe("AuditCoalescer", () => {
  it("records the first read at once; repeats wait for one record counting them", async () => {
    const c = new AuditCoalescer(log, opts);
    assert.equal(await state(c.record("k", () => read())), "recorded");
    assert.equal(records().length, 1);
    mock.timers.tick(50);
    const repeats = [c.record("k", () => read()), c.record("k", () => read())];
    mock.timers.tick(5);
    repeats.push(c.record("k", () => read()));
    mock.timers.tick(4);
    for (const r of repeats) assert.equal(await state(r), "waiting", "no repeat is answered before its record exists");
    assert.equal(records().length, 1);
    mock.timers.tick(1);
    for (const r of repeats) assert.equal(await state(r), "answered");
    const [first, summary] = records();
    assert.equal(first!.count, undefined, "a lone read keeps the old shape");
    assert.equal(summary!.count, 3);
    assert.equal(summary!.coalesces, first!.seq);
    assert.equal(summary!.first, "2026-01-01T00:00:00.050Z");
    assert.equal(summary!.last, "2026-01-01T00:00:00.055Z");
    assert.equal(summary!.reason, "r", "a summary repeats the fields of what it counts");
    const chain = verifyAuditChain(path());
    assert.equal(chain.ok, true);
    assert.equal(chain.reads, 4);
  });

  it("waits twice as long for each next summary while the key stays busy, up to the window; idle, it starts over", async () => {
    const c = new AuditCoalescer(log); // the defaults: 10 ms first, 1 s at most
    c.record("k", () => read());
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = c.record("k", () => read());
      let waited = 0;
      while ((await state(r)) === "waiting") mock.timers.tick(1), waited++;
      waits.push(waited);
    }
    assert.deepEqual(waits, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    mock.timers.tick(1000);
    assert.equal(await state(c.record("k", () => read())), "recorded", "idle for a window: a first read again");
    const r = c.record("k", () => read());
    mock.timers.tick(10);
    assert.equal(await state(r), "answered");
    assert.equal(verifyAuditChain(path()).reads, 12);
  });

  it("does not slow a reader that is not hammering: one reading twice a second waits the first wait each time", async () => {
    const c = new AuditCoalescer(log); // the defaults: 10 ms first, 1 s at most
    c.record("k", () => read());
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      mock.timers.tick(Math.max(1, 500 - (waits.at(-1) ?? 0))); // a read every 500 ms, well within the window
      const r = c.record("k", () => read());
      let waited = 0;
      while ((await state(r)) === "waiting") mock.timers.tick(1), waited++;
      waits.push(waited);
    }
    assert.deepEqual(waits, Array(10).fill(10));
    assert.equal(verifyAuditChain(path()).reads, 11);
  });

  it("keeps keys apart", async () => {
    const c = new AuditCoalescer(log, opts);
    c.record("a", () => read("a"));
    assert.equal(await state(c.record("b", () => read("b"))), "recorded");
    const repeat = c.record("a", () => read("a"));
    mock.timers.tick(10);
    assert.equal(await state(repeat), "answered");
    assert.deepEqual(
      records().map((r) => [r.reason, r.count]),
      [
        ["a", undefined],
        ["b", undefined],
        ["a", 1],
      ],
    );
  });

  it("writes the summary at once when maxWaiting (default 256) repeats wait", async () => {
    const c = new AuditCoalescer(log);
    c.record("k", () => read());
    const batch = Array.from({ length: 256 }, () => c.record("k", () => read()));
    for (const r of batch) assert.equal(await state(r), "answered");
    assert.deepEqual(
      records().map((r) => r.count ?? 1),
      [1, 256],
    );
  });

  it("fails the repeats when their record cannot be written, and flushAll answers them at shutdown", async () => {
    const c = new AuditCoalescer(log, opts);
    c.record("k", () => read());
    const pending = c.record("k", () => read());
    c.flushAll();
    assert.equal(await state(pending), "answered");
    assert.equal(records().at(-1)!.count, 1);
    c.record("k", () => read());
    const doomed = c.record("k", () => read());
    log.close();
    mock.timers.tick(10);
    assert.equal(await state(doomed), "failed");
    log = new AuditLog(path(), "h", { hold: true }); // for afterEach
  });
});
