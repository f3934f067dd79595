// A transcript line's heap cost is judged before it is decoded and parsed, in the reader thread
// (readTranscript given the thread's heap): one that could need more than its share ends the
// thread instead of a parse that runs past the heap limit (and made V8 abort the daemon).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SecretValues } from "../../src/masking/secret-values.js";
import { BYTE_COST, LINE_SHARE, LineTooBigForHeap, lineCost, VALUE_COST } from "../../src/sync/line-cost.js";
import { SourceMap } from "../../src/sync/source-map.js";
import { readTranscript, type TranscriptBatch } from "../../src/sync/transcript-slice.js";

const SESSION = "2e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6";
const HEAP = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "wd-lc-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const root = join(dir, "projects");
mkdirSync(join(root, "-p"), { recursive: true });
const file = join(root, "-p", `${SESSION}.jsonl`);
const line = (content: unknown) =>
  JSON.stringify({ type: "user", sessionId: SESSION, uuid: "u1", timestamp: "2026-11-20T10:00:00.000Z", cwd: "/p", message: { role: "user", content } }) + "\n";

/** Reads the file whole as the reader thread with a heap of `heapBytes` would; the batches it handed over. */
function read(text: string, heapBytes?: number): TranscriptBatch[] {
  writeFileSync(file, text);
  const source = new SourceMap(join(dir, "home"), "h1", [{ source: "claude-code", root }]).discover().sources[0]!;
  const st = statSync(file);
  const batches: TranscriptBatch[] = [];
  readTranscript(
    source,
    { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino },
    undefined,
    { outcome: "new", from: 0, reset: false },
    new SecretValues(),
    Infinity,
    (b) => void batches.push(b),
    heapBytes,
  );
  return batches;
}

describe("a transcript line's heap cost", () => {
  it("counts its bytes and the structural characters outside strings", () => {
    const text = '{"a":"x,{[:\\"]","b":[1,2]}';
    // { "a : "x..." , "b : [ , → 9 values; nothing inside the strings counts.
    assert.equal(lineCost(text), text.length * BYTE_COST + 9 * VALUE_COST);
  });

  it("a line within its share of the heap is read", () => {
    const text = "x".repeat(HEAP / LINE_SHARE / BYTE_COST - 2000);
    assert.ok(lineCost(line(text)) <= HEAP / LINE_SHARE);
    const rows = read(line(text), HEAP).flatMap((b) => b.rows);
    assert.equal(rows.length, 1);
    assert.ok(rows[0]!.data.includes(text));
  });

  it("a line of many values over its share ends the read before it is parsed", () => {
    const many = Array.from({ length: HEAP / LINE_SHARE / VALUE_COST }, () => 0);
    assert.ok(Buffer.byteLength(line(many)) < HEAP / LINE_SHARE / BYTE_COST, "short enough to be decoded");
    assert.throws(() => read(line("first") + line(many), HEAP), LineTooBigForHeap);
    // The daemon's own thread (no heap given) reads it to its end.
    const text = line("first") + line(many);
    assert.equal(read(text).at(-1)!.wm.offset, Buffer.byteLength(text));
  });

  it("a line whose bytes alone are over its share is not even decoded", () => {
    const text = "x".repeat(HEAP / LINE_SHARE / BYTE_COST + 1);
    assert.throws(() => read(line(text), HEAP), LineTooBigForHeap);
    assert.equal(read(line(text)).flatMap((b) => b.rows).length, 1);
  });
});
