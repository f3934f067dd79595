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
const state = async (p: Promise<void> | null) => (p === null ? "recorded" : await Promise.race([p.then(() => "answered", () => "failed"), new Promise((r) => setImmediate(() => r("waiting")))]));

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

describe("AuditCoalescer", () => {
  it("records the first read at once; repeats wait for one record counting them, written when the window ends", async () => {
    const c = new AuditCoalescer(log, { windowMs: 1000, maxWaiting: 1000 });
    assert.equal(await state(c.record("k", () => read())), "recorded");
    assert.equal(records().length, 1);
    const repeats = [];
    for (let i = 0; i < 9; i++) {
      mock.timers.tick(50);
      repeats.push(c.record("k", () => read()));
    }
    for (const r of repeats) assert.equal(await state(r), "waiting", "no repeat is answered before its record exists");
    assert.equal(records().length, 1);
    mock.timers.tick(549);
    assert.equal(await state(repeats[0]!), "waiting");
    mock.timers.tick(1);
    for (const r of repeats) assert.equal(await state(r), "answered");
    const [first, summary] = records();
    assert.equal(summary!.count, 9);
    assert.equal(summary!.coalesces, first!.seq);
    assert.equal(summary!.first, "2026-01-01T00:00:00.050Z");
    assert.equal(summary!.last, "2026-01-01T00:00:00.450Z");
    assert.equal(first!.count, undefined, "a lone read keeps the old shape");
    const chain = verifyAuditChain(path());
    assert.equal(chain.ok, true);
    assert.equal(chain.reads, 10);
    // The window ended: the next read is recorded at once again.
    assert.equal(await state(c.record("k", () => read())), "recorded");
  });

  it("keeps keys apart", async () => {
    const c = new AuditCoalescer(log, { windowMs: 1000, maxWaiting: 1000 });
    c.record("a", () => read("a"));
    assert.equal(await state(c.record("b", () => read("b"))), "recorded");
    const repeat = c.record("a", () => read("a"));
    mock.timers.tick(1000);
    assert.equal(await state(repeat), "answered");
    assert.deepEqual(records().map((r) => [r.reason, r.count]), [["a", undefined], ["b", undefined], ["a", 1]]);
  });

  it("writes the summary sooner once maxWaiting repeats wait, and a read after a late timer opens a new window", async () => {
    const c = new AuditCoalescer(log, { windowMs: 1000, maxWaiting: 3 });
    c.record("k", () => read());
    const batch = [c.record("k", () => read()), c.record("k", () => read()), c.record("k", () => read())];
    for (const r of batch) assert.equal(await state(r), "answered");
    assert.equal(records().at(-1)!.count, 3);
    const late = c.record("k", () => read());
    mock.timers.setTime(Date.now() + 5000); // the clock moved on, the timer has not fired yet
    assert.equal(await state(c.record("k", () => read())), "recorded");
    assert.equal(await state(late), "answered", "the old window was closed first");
    assert.deepEqual(records().map((r) => r.count ?? 1), [1, 3, 1, 1]);
    assert.equal(verifyAuditChain(path()).reads, 6);
  });

  it("fails the repeats when their record cannot be written, and flushAll answers them at shutdown", async () => {
    const c = new AuditCoalescer(log, { windowMs: 1000, maxWaiting: 1000 });
    c.record("k", () => read());
    const pending = c.record("k", () => read());
    c.flushAll();
    assert.equal(await state(pending), "answered");
    assert.equal(records().at(-1)!.count, 1);
    c.record("k", () => read());
    const doomed = c.record("k", () => read());
    log.close();
    mock.timers.tick(1000);
    assert.equal(await state(doomed), "failed");
    log = new AuditLog(path(), "h", { hold: true }); // for afterEach
  });
});
