// The backwards tail read shared by the ledger writer and the audit log: the last complete line
// of a file that may end torn, whatever its lines' lengths and bytes.
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { completeEnd, lastCompleteLine, linesBackwards } from "../../src/ledger/jsonl.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "wd-tail-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` on a file holding `bytes`. */
function withFile<T>(bytes: string | Buffer, fn: (fd: number, size: number) => T): T {
  const path = join(dir, "f.jsonl");
  writeFileSync(path, bytes);
  const fd = openSync(path, "r");
  try {
    return fn(fd, Buffer.byteLength(bytes));
  } finally {
    closeSync(fd);
  }
}

const json = (line: string): { n: number } | null => {
  try {
    return JSON.parse(line) as { n: number };
  } catch {
    return null;
  }
};

const allBackwards = (fd: number, end: number, chunk: number, maxLineBytes?: number) => [...linesBackwards(fd, end, { chunkBytes: chunk, maxLineBytes })];

describe("lastCompleteLine", () => {
  it("finds nothing in an empty file", () => {
    assert.deepEqual(
      withFile("", (fd, size) => lastCompleteLine(fd, size, json)),
      { last: null, end: 0 },
    );
  });

  it("returns the last line when the file ends in a newline", () => {
    const text = '{"n":1}\n{"n":2}\n';
    assert.deepEqual(
      withFile(text, (fd, size) => lastCompleteLine(fd, size, json)),
      { last: { n: 2 }, end: text.length },
    );
  });

  it("ignores a tail without a newline and reports where the complete lines end", () => {
    const text = '{"n":1}\n{"n":2}\n{"n":3}';
    assert.deepEqual(
      withFile(text, (fd, size) => lastCompleteLine(fd, size, json)),
      { last: { n: 2 }, end: 16 },
    );
  });

  it("treats a file of one unterminated line as all torn", () => {
    assert.deepEqual(
      withFile('{"n":1}', (fd, size) => lastCompleteLine(fd, size, json)),
      { last: null, end: 0 },
    );
  });

  it("ignores a torn tail that ends inside a multi-byte character", () => {
    const whole = Buffer.from('{"n":1,"s":"\u20ac"}\n', "utf8");
    const torn = Buffer.concat([whole, Buffer.from('{"n":2,"s":"'), Buffer.from("\u20ac", "utf8").subarray(0, 2)]);
    assert.deepEqual(
      withFile(torn, (fd, size) => lastCompleteLine(fd, size, json)),
      { last: { n: 1, s: "\u20ac" }, end: whole.length },
    );
  });

  it("skips complete lines that are not records, back to one that is", () => {
    const text = '{"n":1}\nnot json\n\n{"n":';
    assert.deepEqual(
      withFile(text, (fd, size) => lastCompleteLine(fd, size, json)),
      { last: { n: 1 }, end: text.length - 5 },
    );
  });

  it("reads a file of one huge line, terminated or torn", () => {
    const big = JSON.stringify({ n: 7, pad: "x".repeat(3 * 64 * 1024 + 5) });
    assert.deepEqual(
      withFile(big + "\n", (fd, size) => lastCompleteLine(fd, size, json)),
      { last: JSON.parse(big), end: big.length + 1 },
    );
    assert.deepEqual(
      withFile(big, (fd, size) => lastCompleteLine(fd, size, json)),
      { last: null, end: 0 },
    );
    assert.deepEqual(
      withFile(`{"n":1}\n${big}`, (fd, size) => lastCompleteLine(fd, size, json)),
      { last: { n: 1 }, end: 8 },
    );
  });
});

describe("linesBackwards and completeEnd", () => {
  it("yields every line last first, with its start, across chunk edges inside characters", () => {
    const lines = ["", "a\u20acb", "\u{1F600}\u{1F600}", "", "plain text line", "\u00e9"];
    const text = Buffer.from(lines.map((l) => l + "\n").join(""), "utf8");
    const starts: number[] = [];
    for (let at = 0, i = 0; i < lines.length; at += Buffer.byteLength(lines[i]!) + 1, i++) starts.push(at);
    const expected = lines.map((text, i) => ({ text, start: starts[i]! })).reverse();
    for (const chunk of [1, 2, 3, 5, 7, 64 * 1024]) {
      assert.deepEqual(
        withFile(text, (fd, size) => allBackwards(fd, completeEnd(fd, size, chunk), chunk)),
        expected,
        `chunk ${chunk}`,
      );
    }
  });

  it("yields a line longer than maxLineBytes without its text, whatever the chunk size", () => {
    const text = `short\n${"x".repeat(100)}\n${"y".repeat(10)}\n\u20ac\u20ac\u20ac\u20ac\n`; // the last line: 12 bytes
    for (const chunk of [1, 7, 64 * 1024]) {
      assert.deepEqual(
        withFile(text, (fd, size) => allBackwards(fd, size, chunk, 10)),
        [
          { text: null, start: 118 },
          { text: "y".repeat(10), start: 107 },
          { text: null, start: 6 },
          { text: "short", start: 0 },
        ],
        `chunk ${chunk}`,
      );
    }
  });

  it("finds the end of the complete lines whatever the torn tail's length", () => {
    const torn = "y".repeat(200);
    for (const chunk of [1, 3, 64]) {
      assert.equal(
        withFile(`ab\ncd\n${torn}`, (fd, size) => completeEnd(fd, size, chunk)),
        6,
      );
      assert.equal(
        withFile(torn, (fd, size) => completeEnd(fd, size, chunk)),
        0,
      );
    }
    assert.equal(
      withFile("", (fd, size) => completeEnd(fd, size)),
      0,
    );
    assert.deepEqual(
      withFile("", (fd) => allBackwards(fd, 0, 4)),
      [],
    );
  });
});
