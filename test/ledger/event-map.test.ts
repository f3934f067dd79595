// The typed event map: a writer's data is checked against its kind at compile time (the build
// fails when a wrong shape below is accepted), readers narrow by kind, and the line on disk is
// the same JSON as before the map.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { isEvent } from "../../src/ledger/event-map.js";
import { decodeBytes, parseEvent } from "../../src/ledger/events.js";
import { uuidv7 } from "../../src/ledger/ids.js";
import { LedgerWriter } from "../../src/ledger/writer.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "wd-map-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const newWriter = () => new LedgerWriter({ dir, durability: "batch", flushMs: 1, maxBatchBytes: 64 * 1024, maxOpenFiles: 4 }, () => {});

/** Never called: compiled only, for the type checks. */
export function wrongShapesDoNotCompile(w: LedgerWriter): void {
  // @ts-expect-error an exit without its status
  void w.append("s", "exit", { code: 0, signal: null, terminal_reason: null });
  // @ts-expect-error a resize's size is numbers
  void w.append("s", "resize", { cols: "80", rows: 24 });
  // @ts-expect-error a kind warden does not write
  void w.append("s", "bogus", {});
  // @ts-expect-error an output's bytes are the payload, not data
  w.enqueue("s", "output", { stream: "pty", text: "hi" });
  // @ts-expect-error archive carries no data
  void w.append("s", "archive", { by: "me" });
}

describe("LedgerEventMap", () => {
  it("writes a typed event as the same JSON line as before", async () => {
    const w = newWriter();
    const s = uuidv7();
    const data = { code: 3, signal: null, status: "exited", terminal_reason: null } as const;
    const e = await w.append(s, "exit", data);
    const out = w.enqueue(s, "output", { stream: "pty" }, Buffer.from("h\u00e9\n", "utf8"));
    await out.durable;
    await w.close();
    const expected =
      JSON.stringify({ v: 1, session: s, seq: 1, ts: e.ts, kind: "exit", data }) +
      "\n" +
      JSON.stringify({ v: 1, session: s, seq: 2, ts: out.event.ts, kind: "output", data: { stream: "pty", text: "h\u00e9\n" } }) +
      "\n";
    assert.equal(readFileSync(join(dir, `${s}.jsonl`), "utf8"), expected);
  });

  it("narrows an event read back by its kind", () => {
    const exit = parseEvent(
      JSON.stringify({ v: 1, session: "s", seq: 4, ts: "t", kind: "exit", data: { code: 1, signal: null, status: "failed", terminal_reason: "killed" } }),
    )!;
    const output = parseEvent(JSON.stringify({ v: 1, session: "s", seq: 5, ts: "t", kind: "output", data: { stream: "stdout", b64: "AAE=" } }))!;
    assert.equal(isEvent(exit, "launch"), false);
    assert.equal(isEvent(null, "exit"), false);
    assert.ok(isEvent(exit, "exit"));
    const status: "exited" | "failed" = exit.data.status; // typed, no cast
    assert.equal(status, "failed");
    assert.ok(isEvent(output, "resize", "output"));
    if (output.kind === "output") assert.deepEqual([...decodeBytes(output.data)], [0, 1]);
    else assert.fail("a union of kinds is discriminated by kind");
  });
});
