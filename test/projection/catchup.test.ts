// Watermark-driven catch-up, verify and diff against real SQLite and real source files.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { catchUpAll } from "../../src/sync/catch-up.js";
import { diff, verify } from "../../src/sync/source-rows.js";
import { Projection } from "../../src/projection/projection.js";
import { counts, readEvents } from "../../src/projection/read.js";

let home: string;
const projections: Projection[] = [];
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "wd-pc-"));
  mkdirSync(join(home, "ledger", "h1"), { recursive: true });
  mkdirSync(join(home, "ledger", "h2"), { recursive: true });
  mkdirSync(join(home, "audit"), { recursive: true });
});
afterEach(() => {
  for (const p of projections.splice(0)) p.close();
  rmSync(home, { recursive: true, force: true });
});

const open = () => {
  const p = Projection.open(":memory:");
  projections.push(p);
  return p;
};
const ev = (session: string, seq: number, kind = "note", data: object = { seq }) =>
  JSON.stringify({ v: 1, session, seq, ts: `2026-01-01T00:00:${String(seq).padStart(2, "0")}Z`, kind, data }) + "\n";
const ledger = (host: string, session: string) => join(home, "ledger", host, `${session}.jsonl`);
function write(host: string, session: string, from: number, to: number): void {
  for (let s = from; s <= to; s++) appendFileSync(ledger(host, session), ev(session, s, s === 1 ? "open" : "note", s === 1 ? { title: session } : { seq: s }));
}

describe("catch-up", () => {
  it("keeps long events (terminal output) in their source file only, pointing at the line", () => {
    const p = open();
    const big = "y".repeat(5000);
    writeFileSync(ledger("h1", "a"), ev("a", 1, "open", { title: "t" }) + ev("a", 2, "output", { stream: "pty", text: big }) + ev("a", 3, "note", { n: 3 }));
    catchUpAll(p, home);
    const rows = p.db.prepare("SELECT seq, data IS NULL AS external, src_offset, src_length FROM events WHERE session = 'a' ORDER BY seq").all() as any[];
    assert.deepEqual(
      rows.map((r) => r.external),
      [0, 1, 0],
      "only the long one is stored by reference",
    );
    assert.equal(rows[1].src_offset, Buffer.byteLength(ev("a", 1, "open", { title: "t" })));
    const read = readEvents(p.db, { session: "a", after: 0, limit: 10 }, home).events;
    assert.equal(read[1]!.data.text, big, "read back from the source line");
    assert.equal(verify(home, p.db, "events").ok, true);
    // The file rewritten under the projection: reads say so rather than return another event.
    writeFileSync(ledger("h1", "a"), ev("a", 1, "open", { title: "t" }));
    assert.throws(
      () => readEvents(p.db, { session: "a", after: 0, limit: 10 }, home),
      (e: any) => e.kind === "unavailable" && e.details?.reason === "source_changed",
    );
  });

  it("imports new files, then only appended bytes, and leaves unchanged files alone", () => {
    const p = open();
    write("h1", "a", 1, 3);
    write("h2", "b", 1, 2);
    assert.deepEqual(catchUpAll(p, home).outcomes, { unchanged: 0, appended: 0, reimported: 0, new: 2, missing: 0 });
    write("h1", "a", 4, 5);
    const r = catchUpAll(p, home);
    assert.deepEqual(r.outcomes, { unchanged: 1, appended: 1, reimported: 0, new: 0, missing: 0 });
    assert.equal(r.rows, 2, "only the two new events were read");
    assert.equal(counts(p.db).events, 7);
    assert.equal(verify(home, p.db).ok, true);
  });

  it("re-imports a file that was rewritten or shrunk, and keeps history of a deleted one", () => {
    const p = open();
    write("h1", "a", 1, 4);
    write("h1", "b", 1, 2);
    catchUpAll(p, home);
    writeFileSync(ledger("h1", "a"), ev("a", 1, "open", { title: "rewritten" }) + ev("a", 2));
    unlinkSync(ledger("h1", "b"));
    const r = catchUpAll(p, home);
    assert.equal(r.outcomes.reimported, 1);
    assert.deepEqual(
      readEvents(p.db, { session: "a", after: 0, limit: 10 }, home).events.map((e) => e.seq),
      [1, 2],
    );
    assert.equal(readEvents(p.db, { session: "b", after: 0, limit: 10 }, home).events.length, 2, "a deleted source never deletes imported history");
  });

  it("skips torn last lines and unparseable lines, reporting where they are", () => {
    const p = open();
    write("h1", "a", 1, 2);
    appendFileSync(ledger("h1", "a"), "not json\n" + ev("a", 3) + '{"v":1,"sess');
    const r = catchUpAll(p, home);
    assert.deepEqual(r.unparseable, [{ rel: "ledger/h1/a.jsonl", line: 3 }]);
    assert.equal(counts(p.db).events, 3);
    appendFileSync(ledger("h1", "a"), 'ion":"a"}\n'); // the torn line completes, still not an event
    catchUpAll(p, home);
    assert.equal(counts(p.db).events, 3);
  });

  it("survives JSON primitives, a directory named like a source, and duplicate seqs", () => {
    const p = open();
    write("h1", "a", 1, 2);
    appendFileSync(ledger("h1", "a"), "null\n42\n[]\n" + ev("a", 2, "note", { dup: true }) + ev("a", 3));
    mkdirSync(join(home, "ledger", "h1", "dir.jsonl"));
    writeFileSync(join(home, "audit", "h1.jsonl"), "null\n" + JSON.stringify({ v: 1, seq: 1, ts: "t", action: "get", outcome: "ok" }) + "\n");
    const r = catchUpAll(p, home);
    assert.deepEqual(r.failed, []);
    assert.equal(r.unparseable.length, 4);
    assert.deepEqual(
      readEvents(p.db, { session: "a", after: 0, limit: 10 }, home).events.map((e) => [e.seq, e.data]),
      [
        [1, { title: "a" }],
        [2, { dup: true }],
        [3, { seq: 3 }],
      ],
    );
    assert.equal(verify(home, p.db).ok, true, "verify folds duplicates the way the projection does");
  });

  it("skips a line over the length cap without holding it in memory", () => {
    const p = open();
    write("h1", "a", 1, 1);
    appendFileSync(ledger("h1", "a"), "x".repeat(70 * 1024 * 1024) + "\n" + ev("a", 2));
    const r = catchUpAll(p, home);
    assert.deepEqual(r.unparseable, [{ rel: "ledger/h1/a.jsonl", line: 2 }]);
    assert.equal(counts(p.db).events, 2);
    assert.equal(catchUpAll(p, home).outcomes.unchanged, 1, "the watermark holds across the oversize line");
  });

  it("imports audit files too", () => {
    const p = open();
    writeFileSync(join(home, "audit", "h1.jsonl"), JSON.stringify({ v: 1, seq: 1, ts: "2026-01-01T00:00:00Z", action: "get", outcome: "ok" }) + "\n");
    catchUpAll(p, home);
    assert.equal(counts(p.db).audit, 1);
    assert.equal(verify(home, p.db).ok, true);
  });
});

describe("verify and diff", () => {
  it("gives identical hashes for two independent imports (rebuilding twice is stable)", () => {
    write("h1", "a", 1, 20);
    write("h2", "b", 1, 5);
    const one = verify(home, (catchUpAll(open(), home), projections.at(-1)!.db));
    const two = verify(home, (catchUpAll(open(), home), projections.at(-1)!.db));
    assert.deepEqual(one, two);
    assert.equal(one.ok, true);
  });

  it("detects drift and pages through the differences", () => {
    const p = open();
    write("h1", "a", 1, 6);
    catchUpAll(p, home);
    p.db.prepare("DELETE FROM events WHERE session = 'a' AND seq IN (2, 4)").run();
    p.db.prepare("UPDATE events SET data = '{}' WHERE session = 'a' AND seq = 5").run();
    p.db.prepare("INSERT INTO events (session, seq, ts, kind, data, src_offset, src_length) VALUES ('zz', 1, 't', 'note', '{}', 0, 2)").run();
    const v = verify(home, p.db, "events");
    assert.equal(v.ok, false);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = diff(home, p.db, { surface: "events", limit: 2, cursor });
      seen.push(...page.differences.map((d) => `${d.problem}:${d.key}`));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 2);
    assert.deepEqual(seen, [
      "missing_in_projection:a#000000000002",
      "missing_in_projection:a#000000000004",
      "differs:a#000000000005",
      "missing_in_source:zz#000000000001",
    ]);
  });
});
