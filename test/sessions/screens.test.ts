// Lazy screens: a live session's output is emulated only once someone asks for its screen. Until
// then the daemon keeps only its recent output, no worker runs, and the first snapshot shows the
// screen as it is, with later output emulated live from there. Against the real screen worker.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openLogger, type Logger } from "../../src/platform/log.js";
import { Screens } from "../../src/sessions/screens.js";

let dir: string;
let log: Logger;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-scr-"));
  log = openLogger({ path: join(dir, "daemon.log"), level: "warn", maxBytes: 1 << 20, echo: null });
});
after(() => {
  log.close();
  rmSync(dir, { recursive: true, force: true });
});

const workerOf = (s: Screens) => (s as unknown as { worker: unknown }).worker;
const lines = (from: number, to: number) => Buffer.from(Array.from({ length: to - from }, (_, i) => `line ${from + i} ${"z".repeat(60)}\r\n`).join(""));

describe("lazy screens", () => {
  it("emulates nothing until the first snapshot, which shows the recent output; later output is live", async () => {
    const screens = new Screens(log);
    try {
      screens.open("s1", 80, 24, 100, 1, true);
      let seq = 1;
      for (let i = 0; i < 20_000; i += 1000) screens.feed("s1", lines(i, i + 1000), ++seq); // ~1.4 MB: more than is kept
      screens.resize("s1", 100, 30, ++seq);
      assert.equal(workerOf(screens), null, "no worker while nobody looked");
      const first = await screens.snapshot("s1", 10);
      assert.equal(first.seq, seq);
      assert.deepEqual([first.cols, first.rows], [100, 30]);
      assert.ok(first.screen.includes("line 19999 "), "the last line is on the screen");
      assert.ok(!first.screen.includes("line 0 "), "what was dropped is not");
      screens.feed("s1", Buffer.from("after-the-first-look\r\n"), ++seq);
      const second = await screens.snapshot("s1", 0);
      assert.equal(second.seq, seq);
      assert.ok(second.screen.includes("after-the-first-look"));
    } finally {
      await screens.dispose();
    }
  });

  it("opens a screen that is not lazy (a replay) at once", async () => {
    const screens = new Screens(log);
    try {
      screens.open("r1", 80, 24, 0, 0);
      assert.notEqual(workerOf(screens), null);
      screens.feed("r1", Buffer.from("replayed\r\n"), 1);
      assert.ok((await screens.snapshot("r1", 0)).screen.includes("replayed"));
    } finally {
      await screens.dispose();
    }
  });
});
