// The one import loop every source kind goes through: batches cut by lines and by bytes, a line
// too long to read skipped (OVERSIZE in its place), the budget and a refused batch stopping the
// slice, and the final flush that writes the watermark even when no line came.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { importSlice, type SliceOptions } from "../../src/sync/import-slice.js";
import { OVERSIZE } from "../../src/sync/resume.js";

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-slice-"));
  file = join(dir, "f.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a slice, recording what the mapper was told. */
function run(o: Partial<SliceOptions>, refuseAt = -1) {
  const seen = { lines: [] as string[], skipped: [] as number[], flushes: [] as Array<{ end: number; last: string | null; lines: number }> };
  let batch = 0;
  const end = importSlice(
    file,
    { from: 0, budget: Infinity, batchLines: Infinity, batchBytes: Infinity, mustFlush: () => false, ...o },
    {
      line: (text) => {
        seen.lines.push(text);
        batch++;
      },
      skipped: (lineNo) => seen.skipped.push(lineNo),
      flush: (at, last) => {
        seen.flushes.push({ end: at, last, lines: batch });
        batch = 0;
        return seen.flushes.length - 1 !== refuseAt;
      },
    },
  );
  return { ...seen, ...end };
}

describe("importSlice", () => {
  it("cuts a batch every batchLines lines and flushes the rest at the end", () => {
    writeFileSync(file, "a\nb\nc\nd\ne\n");
    const r = run({ batchLines: 2 });
    assert.deepEqual(r.lines, ["a", "b", "c", "d", "e"]);
    assert.deepEqual(r.flushes, [
      { end: 4, last: "b", lines: 2 },
      { end: 8, last: "d", lines: 2 },
      { end: 10, last: "e", lines: 1 },
    ]);
    assert.equal(r.end, 10);
    assert.equal(r.stopped, false);
  });

  it("cuts a batch once it holds batchBytes, and leaves a torn last line for later", () => {
    writeFileSync(file, "aaaa\nbbbb\ncc\ntorn");
    const r = run({ batchBytes: 9 });
    assert.deepEqual(
      r.flushes.map((f) => f.end),
      [10, 13],
    );
    assert.equal(r.end, 13);
  });

  it("skips a line too long to read: the mapper is told, and OVERSIZE stands for it in the tail", () => {
    writeFileSync(file, "ok\n" + "x".repeat(100) + "\n");
    const lengths: number[] = [];
    const r = run({ maxLineBytes: 10, oversize: (_n, bytes) => void lengths.push(bytes) });
    assert.deepEqual(r.lines, ["ok"]);
    assert.deepEqual(r.skipped, [2]);
    assert.deepEqual(lengths, [100]);
    assert.deepEqual(r.flushes, [{ end: 104, last: OVERSIZE, lines: 1 }]);
  });

  it("stops at the end of the line that spends the budget", () => {
    writeFileSync(file, "aaaa\nbbbb\ncccc\n");
    const r = run({ budget: 6 });
    assert.deepEqual(r.lines, ["aaaa", "bbbb"]);
    assert.equal(r.stopped, true);
    assert.deepEqual(r.flushes, [{ end: 10, last: "bbbb", lines: 2 }]);
  });

  it("stops at a refused batch: no line after it is read, no final flush", () => {
    writeFileSync(file, "a\nb\nc\nd\n");
    const r = run({ batchLines: 1 }, 0);
    assert.deepEqual(r.lines, ["a"]);
    assert.equal(r.refused, true);
    assert.equal(r.stopped, true);
    assert.equal(r.flushes.length, 1);
  });

  it("flushes with no line read only when the watermark is to be written anyway", () => {
    writeFileSync(file, "a\n");
    assert.deepEqual(run({ from: 2 }).flushes, []);
    assert.deepEqual(run({ from: 2, mustFlush: () => true }).flushes, [{ end: 2, last: null, lines: 0 }]);
  });
});
