import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineSplitter } from "../../src/rpc/framing.js";

function collect(max: number) {
  const lines: string[] = [];
  let oversize = 0;
  const s = new LineSplitter(max, { line: (b) => lines.push(b.toString("utf8")), oversize: () => oversize++ });
  return { s, lines, oversize: () => oversize };
}

describe("LineSplitter", () => {
  it("splits many lines in one chunk", () => {
    const { s, lines } = collect(100);
    s.push(Buffer.from("a\nbb\nccc\n"));
    assert.deepEqual(lines, ["a", "bb", "ccc"]);
  });

  it("joins a line split over many chunks and keeps the unfinished tail", () => {
    const { s, lines } = collect(100);
    s.push(Buffer.from("hel"));
    s.push(Buffer.from("lo\nwor"));
    assert.deepEqual(lines, ["hello"]);
    assert.equal(s.pendingBytes, 3);
    s.push(Buffer.from("ld\n"));
    assert.deepEqual(lines, ["hello", "world"]);
  });

  it("reassembles a multi-byte character split between chunks", () => {
    const { s, lines } = collect(100);
    const bytes = Buffer.from("é€\n");
    for (const b of bytes) s.push(Buffer.from([b]));
    assert.deepEqual(lines, ["é€"]);
  });

  it("drops blank lines and a trailing CR", () => {
    const { s, lines } = collect(100);
    s.push(Buffer.from("\n\r\nx\r\n\n"));
    assert.deepEqual(lines, ["x"]);
  });

  it("reports an oversize line once, discards it across chunks, and resumes after its newline", () => {
    const { s, lines, oversize } = collect(10);
    s.push(Buffer.from("ok\n0123456"));
    s.push(Buffer.from("789abcdef"));
    s.push(Buffer.from("ghij"));
    assert.equal(oversize(), 1);
    assert.equal(s.pendingBytes, 0, "nothing of the oversize line is held");
    s.push(Buffer.from("klm\nnext\n"));
    assert.deepEqual(lines, ["ok", "next"]);
    assert.equal(oversize(), 1);
  });

  it("accepts a line of exactly the limit and rejects one byte more", () => {
    const { s, lines, oversize } = collect(5);
    s.push(Buffer.from("12345\n123456\n"));
    assert.deepEqual(lines, ["12345"]);
    assert.equal(oversize(), 1);
  });
});
