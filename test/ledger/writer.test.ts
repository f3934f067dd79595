// The ledger writer against real files: group commit, durability before acknowledgement, seq
// without gaps, torn tails.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { decodeBytes, lineWithBytes, parseEvent, type LedgerEvent } from "../../src/ledger/events.js";
import { UUID_PATTERN, uuidv7 } from "../../src/ledger/ids.js";
import { scanLines } from "../../src/ledger/jsonl.js";
import { LedgerWriter, type CommittedFile, type Durability } from "../../src/ledger/writer.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "wd-lw-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writer(durability: Durability = "batch", flushMs = 10) {
  const commits: CommittedFile[][] = [];
  const w = new LedgerWriter({ dir, durability, flushMs, maxBatchBytes: 64 * 1024, maxOpenFiles: 4 }, (files) => commits.push(files));
  return { w, commits };
}

const lines = (session: string) =>
  readFileSync(join(dir, `${session}.jsonl`), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => parseEvent(l)!);

describe("LedgerWriter", () => {
  it("acknowledges an append only once its line is in the file", async () => {
    const { w } = writer();
    const s = uuidv7();
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        w.append(s, "note", { i }).then((e) => {
          // At acknowledgement the event must already be in the file.
          assert.ok(readFileSync(join(dir, `${s}.jsonl`), "utf8").includes(`"seq":${e.seq},`));
          return e.seq;
        }),
      ),
    );
    assert.deepEqual(
      acks,
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    await w.close();
  });

  it("fdatasyncs a batch before acknowledging any of its appends", async () => {
    const { w } = writer();
    const s = uuidv7();
    const first = await w.append(s, "note", {}); // opens the file: its handle's class is the real one
    const proto = Object.getPrototypeOf((w as unknown as { files: Map<string, { handle: object }> }).files.get(s)!.handle) as { datasync(): Promise<void> };
    const original = proto.datasync;
    const log: string[] = [];
    proto.datasync = async function (this: unknown) {
      await original.call(this);
      log.push("synced");
    };
    try {
      await Promise.all([1, 2, 3].map((i) => w.append(s, "note", { i }).then(() => log.push("acked"))));
    } finally {
      proto.datasync = original;
    }
    assert.equal(first.seq, 1);
    assert.equal(log[0], "synced", `acknowledged before the data was synced: ${log.join(",")}`);
    await w.close();
  });

  it("fails only the appends of a file whose write fails, truncating it back, with no seq gap after", async () => {
    const { w, commits } = writer();
    const [ok, bad] = [uuidv7(), uuidv7()];
    await w.append(ok, "note", {});
    await w.append(bad, "note", {});
    const files = (w as unknown as { files: Map<string, { handle: { datasync(): Promise<void> } }> }).files;
    const handle = files.get(bad)!.handle;
    const original = handle.datasync;
    handle.datasync = async () => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    };
    const results = await Promise.allSettled([w.append(ok, "note", { n: 2 }), w.append(bad, "note", { n: 2 }), w.append(bad, "note", { n: 3 })]);
    handle.datasync = original;
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "rejected"],
    );
    assert.deepEqual(
      lines(bad).map((e) => e.seq),
      [1],
      "the failed events are not left in the file",
    );
    assert.equal((await w.append(bad, "note", { retry: true })).seq, 2, "the next append continues without a gap");
    assert.deepEqual(
      lines(ok).map((e) => e.seq),
      [1, 2],
    );
    assert.ok(
      commits.flat().some((c) => c.session === ok && c.events.some((e) => e.event.seq === 2)),
      "the good file was still committed",
    );
    await w.close();
  });

  it("writes each line at once: a daemon killed before the batch's fdatasync loses nothing it streamed", async () => {
    const { w } = writer("batch", 1000);
    const s = uuidv7();
    const { event, durable } = w.enqueue(s, "note", { text: "streamed" });
    assert.deepEqual(
      lines(s).map((e) => e.seq),
      [event.seq],
      "in the file (page cache) before the 1 s batch",
    );
    await w.flush();
    assert.equal((await durable).seq, 1);
    await w.close();
  });

  it("fails a batch whose write fails, never handing out a seq twice, then continues without a gap", async () => {
    const { w } = writer("batch", 1000);
    const s = uuidv7();
    await w.append(s, "note", { n: 1 });
    const first = w.enqueue(s, "note", { n: 2 });
    const file = (w as unknown as { files: Map<string, { handle: { append(b: Buffer): void } }> }).files.get(s)!.handle;
    const original = file.append;
    file.append = () => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    };
    const failed = w.enqueue(s, "note", { n: 3 });
    file.append = original;
    const after = w.enqueue(s, "note", { n: 4 });
    assert.deepEqual([first.event.seq, failed.event.seq, after.event.seq], [2, 3, 4], "no seq reused while the batch is failing");
    const results = await Promise.allSettled([first.durable, failed.durable, after.durable]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected", "rejected"],
    );
    assert.deepEqual(
      lines(s).map((e) => e.seq),
      [1],
      "cut back to where the batch began",
    );
    assert.equal((await w.append(s, "note", { retry: true })).seq, 2);
    await w.close();
  });

  it("groups concurrent appends into few batches, one commit per batch", async () => {
    const { w, commits } = writer();
    const sessions = [uuidv7(), uuidv7(), uuidv7()];
    await Promise.all(Array.from({ length: 3000 }, (_, i) => w.append(sessions[i % 3]!, "note", { i })));
    assert.ok(commits.length < 30, `${commits.length} batches for 3000 appends`);
    for (const s of sessions)
      assert.deepEqual(
        lines(s).map((e) => e.seq),
        Array.from({ length: 1000 }, (_, i) => i + 1),
      );
    await w.close();
  });

  it("gathers batches for five times flushMs while output streams, and is back at flushMs after", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const w = new LedgerWriter({ dir, durability: "batch", flushMs: 10, maxBatchBytes: 4 * 1024 * 1024, maxOpenFiles: 4 }, () => {});
    const s = uuidv7();
    const first = w.append(s, "note", {}); // opens the file: its handle's class is the real one
    t.mock.timers.tick(10);
    await first;
    const proto = Object.getPrototypeOf((w as unknown as { files: Map<string, { handle: object }> }).files.get(s)!.handle) as { datasync(): Promise<void> };
    const original = proto.datasync;
    let syncs = 0;
    proto.datasync = function (this: unknown) {
      syncs++;
      return original.call(this);
    };
    try {
      const burst = Array.from({ length: 300 }, () => w.append(s, "note", { text: "x".repeat(1000) })); // a 300 KB batch
      t.mock.timers.tick(10);
      await Promise.all(burst);
      assert.equal(syncs, 1);
      const next = w.append(s, "note", { text: "y" });
      t.mock.timers.tick(49);
      await new Promise((r) => setImmediate(r)); // a fired timer's flush starts in a microtask
      assert.equal(syncs, 1, "streaming: the next batch waits 50 ms");
      t.mock.timers.tick(1);
      await next;
      assert.equal(syncs, 2);
      const quiet = w.append(s, "note", {});
      t.mock.timers.tick(10);
      await quiet;
      assert.equal(syncs, 3, "a small batch puts the writer back at flushMs");
    } finally {
      proto.datasync = original;
    }
    await w.close();
  });

  it("streams when many sessions print a little each (the rate adds up): fifty at 100 KB/s gather for 50 ms", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
    const w = new LedgerWriter({ dir, durability: "batch", flushMs: 10, maxBatchBytes: 4 * 1024 * 1024, maxOpenFiles: 64 }, () => {});
    const sessions = Array.from({ length: 50 }, () => uuidv7());
    const opened = sessions.map((s) => w.append(s, "note", {}));
    t.mock.timers.tick(10);
    await Promise.all(opened);
    const proto = Object.getPrototypeOf((w as unknown as { files: Map<string, { handle: object }> }).files.get(sessions[0]!)!.handle) as {
      datasync(): Promise<void>;
    };
    const original = proto.datasync;
    let batches = 0;
    let last = -1;
    proto.datasync = function (this: unknown) {
      if (Date.now() !== last) batches++; // one batch syncs its files at one (mocked) moment
      last = Date.now();
      return original.call(this);
    };
    try {
      // 100 ms of output, 1 KB per session every 10 ms: 5 MB/s together, 50 KB per 10 ms batch.
      const all: Array<Promise<unknown>> = [];
      for (let ms = 0; ms < 100; ms += 10) {
        for (const s of sessions) all.push(w.append(s, "note", { text: "x".repeat(1000) }));
        t.mock.timers.tick(10);
        await new Promise((r) => setImmediate(r));
      }
      t.mock.timers.tick(50);
      await Promise.all(all);
      assert.ok(batches <= 3, `${batches} batches in 100 ms: the first at flushMs, then one per 50 ms`);
    } finally {
      proto.datasync = original;
    }
    await w.close();
  });

  it("flushes each append at once with durability always", async (t) => {
    // Mocked, time does not pass: only what is due now runs (tick 0), never the 1 s flush timer, so
    // an append that waited for it would never settle.
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { w, commits } = writer("always", 1000);
    const s = uuidv7();
    const appended = w.append(s, "note", {});
    t.mock.timers.tick(0);
    await appended;
    assert.equal(commits.length, 1);
    await w.close();
  });

  it("continues a session's seq after a restart, cutting a torn last line", async () => {
    const s = uuidv7();
    const a = writer();
    for (let i = 0; i < 3; i++) await a.w.append(s, "note", { i });
    await a.w.close();
    appendFileSync(join(dir, `${s}.jsonl`), '{"v":1,"session":"' + s + '","seq":4,"ts":"x","ki'); // died mid-append
    const torn = scanLines(join(dir, `${s}.jsonl`), 0, () => {});
    assert.equal(torn.lines, 3);
    assert.ok(torn.tornBytes > 0, "readers see the torn tail and skip it");
    const b = writer();
    const e = await b.w.append(s, "note", { after: "restart" });
    assert.equal(e.seq, 4);
    await b.w.close();
    assert.deepEqual(
      lines(s).map((x) => x.seq),
      [1, 2, 3, 4],
    );
  });

  it("keeps open files bounded, reopening as needed", async () => {
    const { w } = writer();
    const sessions = Array.from({ length: 10 }, () => uuidv7());
    for (let round = 0; round < 2; round++) for (const s of sessions) await w.append(s, "note", { round });
    for (const s of sessions)
      assert.deepEqual(
        lines(s).map((x) => x.seq),
        [1, 2],
      );
    await w.close();
  });
});

describe("event helpers", () => {
  it("writes bytes exact, as JSON.stringify would: text when UTF-8 (a leading BOM kept), base64 otherwise", () => {
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const edges = [
      Buffer.from("héllo\n"),
      Buffer.from("\ufeffafter a BOM"),
      Buffer.from('quote " backslash \\ \x00\x07\b\t\n\f\r\x1b[31m\x7f \u2028 \u{1f600} end'),
      Buffer.alloc(0),
      Buffer.from([0xff, 0x00, 0xc3, 0x28]),
      Buffer.from([0xc0, 0xaf]), // overlong
      Buffer.from([0xed, 0xa0, 0x80]), // a surrogate
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
      Buffer.from([0x41, 0xe2, 0x82]), // cut short
    ];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
    const alphabet = [0x20, 0x41, 0x22, 0x5c, 0x0a, 0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xff];
    const random = Array.from({ length: 3000 }, (_, i) =>
      Buffer.from(
        Array.from({ length: Math.floor(rand() * (i % 3 ? 12 : 70)) }, () =>
          rand() < 0.5 ? alphabet[Math.floor(rand() * alphabet.length)]! : Math.floor(rand() * 256),
        ),
      ),
    );
    for (const [i, bytes] of [...edges, ...random].entries()) {
      const fields = i % 2 ? { stream: "pty" } : {};
      const event: LedgerEvent = { v: 1, session: "s", seq: i + 1, ts: "2026-12-02T00:00:00.000Z", kind: "output", data: { ...fields } };
      const line = lineWithBytes(event, bytes);
      let text: string | null = null;
      try {
        text = strict.decode(bytes);
      } catch {}
      const want = { ...event, data: { ...fields, ...(text === null ? { b64: bytes.toString("base64") } : { text }) } };
      assert.equal(line.toString("utf8"), JSON.stringify(want) + "\n", `case ${i}: ${bytes.toString("hex")}`);
      assert.deepEqual({ ...event, data: { ...event.data } }, want, `case ${i}: the event as the hub sees it`);
      assert.deepEqual(decodeBytes(parseEvent(line.toString("utf8").trimEnd())!.data), bytes);
    }
  });

  it("makes time-sortable UUIDv7 ids", () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    assert.match(a, UUID_PATTERN);
    assert.ok(a < b);
  });

  it("rejects malformed event lines", () => {
    writeFileSync(join(dir, "x"), "");
    for (const bad of [
      "{",
      "[]",
      '{"v":2,"session":"s","seq":1,"ts":"t","kind":"k","data":{}}',
      '{"v":1,"session":"s","seq":0,"ts":"t","kind":"k","data":{}}',
    ]) {
      assert.equal(parseEvent(bad), null, bad);
    }
  });
});
