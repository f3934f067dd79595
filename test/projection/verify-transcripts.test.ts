// verify over imported transcripts, in-process on a real SQLite projection: an import verifies; a
// re-import being built apart (staged, the file half read) shows the previous session whole and
// is not compared until it is swapped in; once swapped in it verifies again.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { catchUpFile } from "../../src/sync/catch-up.js";
import { verify, type TranscriptCompare } from "../../src/sync/source-rows.js";
import { Projection } from "../../src/projection/projection.js";
import { resumePoint } from "../../src/sync/resume.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { importTranscriptSlice } from "../../src/sync/transcript-slice.js";
import { SourceMap } from "../../src/sync/source-map.js";
import { claudeUserTranscript } from "../helpers/transcripts.js";

const SESSION = "6e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6";
const LINES = 3000;
let dir: string;
let home: string;
let root: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-vt-"));
  home = join(dir, "home");
  root = join(dir, "projects");
  mkdirSync(join(root, "-p"), { recursive: true });
  mkdirSync(home);
  file = join(root, "-p", `${SESSION}.jsonl`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const transcript = (version: string) => claudeUserTranscript(SESSION, version, LINES, "lorem ipsum dolor");

describe("verify: imported transcripts", () => {
  it("verifies an import, skips a re-import while it is staged, and verifies it once swapped in", () => {
    writeFileSync(file, transcript("v1"));
    const p = Projection.open(":memory:");
    try {
      const map = new SourceMap(home, "h1", [{ source: "claude-code", root }]);
      const source = map.discover().sources.find((s) => s.rel.includes(":"))!;
      const imported = (): TranscriptCompare => ({
        files: map.discover().sources.filter((s) => s.rel.includes(":")),
        sources: ["claude-code"],
        secrets: new SecretValues(),
      });
      const events = () => (p.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n;
      catchUpFile(p, source);
      const first = verify(home, p.db, "all", imported());
      assert.equal(first.ok, true);
      assert.equal(first.surfaces.find((s) => s.surface === "events")!.source.count, LINES);

      writeFileSync(file, transcript("v2"));
      const st = statSync(file);
      const wm = p.watermark(source.rel);
      const step = importTranscriptSlice(p, source, st, wm, resumePoint(file, source.kind, st, wm), { budget: 65536 });
      assert.equal(step.done, false, "one slice of many");
      assert.equal(events(), LINES, "the live session is whole while the new one is built");
      const staged = verify(home, p.db, "all", imported());
      assert.equal(staged.ok, true);
      assert.equal(staged.surfaces.find((s) => s.surface === "events")!.source.count, 0);

      let more = step;
      while (!more.done) more = catchUpFile(p, source, { budget: 65536 });
      assert.equal(events(), LINES);
      const done = verify(home, p.db, "all", imported());
      assert.equal(done.ok, true);
      assert.equal(done.surfaces.find((s) => s.surface === "events")!.source.count, LINES);
      assert.match((p.db.prepare("SELECT data FROM events WHERE seq = ?").get(LINES) as { data: string }).data, /v2 line 2999/);
    } finally {
      p.close();
    }
  });
});
