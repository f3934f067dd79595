// The transcript reader thread against a real SQLite projection: a job's batches apply in order or
// not at all (one refused, every later one refused too), and the thread re-checks where to resume
// when it opens the file, so a file rewritten after the daemon's stat is re-imported, not appended.
// A thread started again after a death masks with the secrets as they are then: values and digests.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { prepareCatchUp, catchUpFile } from "../../src/sync/catch-up.js";
import { emptyReport } from "../../src/sync/import-step.js";
import { openLogger } from "../../src/platform/log.js";
import { resolvePaths } from "../../src/platform/paths.js";
import { ProjectionStore } from "../../src/projection/store.js";
import { importTranscriptStep } from "../../src/sync/transcript-step.js";
import { Projection } from "../../src/projection/projection.js";
import type { SourceFile } from "../../src/projection/sources.js";
import { KnownDigests } from "../../src/masking/known-digests.js";
import { formsOf, SecretValues } from "../../src/masking/secret-values.js";
import { TranscriptReader } from "../../src/sync/reader.js";
import { SourceMap } from "../../src/sync/source-map.js";
import { pollUntil } from "../helpers/poll.js";

const SESSION = "2e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6";
let dir: string;
let home: string;
let root: string;
let file: string;
let n = 0;
const cleanup: Array<() => unknown> = [];

const line = (text: string) =>
  JSON.stringify({
    type: "user",
    sessionId: SESSION,
    uuid: `u${++n}`,
    timestamp: "2026-11-20T10:00:00.000Z",
    cwd: "/p",
    message: { role: "user", content: text },
  }) + "\n";
const lines = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => line(`${prefix} ${i}`)).join("");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-rd-"));
  home = join(dir, "home");
  root = join(dir, "projects");
  mkdirSync(join(root, "-p"), { recursive: true });
  mkdirSync(home);
  file = join(root, "-p", `${SESSION}.jsonl`);
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** After the transcript is written (sources are found by listing). */
const setup = () => {
  const p = Projection.open(":memory:");
  const reader = new TranscriptReader(new SecretValues());
  cleanup.push(
    () => p.close(),
    () => reader.close(),
  );
  const source: SourceFile = new SourceMap(home, "h1", [{ source: "claude-code", root }]).discover().sources[0]!;
  return { p, reader, source };
};
const texts = (p: Projection) =>
  (p.db.prepare("SELECT data FROM events WHERE session = ? ORDER BY seq").all(`claude-${SESSION}`) as Array<{ data: string }>).map(
    (r) => (JSON.parse(r.data) as { text: string }).text,
  );

describe("transcript reader thread", () => {
  it("re-checks the resume point when it opens the file: a file rewritten after the stat is re-imported", async () => {
    writeFileSync(file, lines("old", 5));
    const { p, reader, source } = setup();
    catchUpFile(p, source);
    appendFileSync(file, lines("appended", 2));
    const prepared = prepareCatchUp(p, source);
    assert.ok(!("done" in prepared));
    assert.equal(prepared.resume.outcome, "appended");
    // Rewritten between the daemon's stat and the reader's open (bigger, so not seen as shrunk).
    writeFileSync(file, lines("new", 12));
    const st = { size: prepared.st.size, mtimeMs: prepared.st.mtimeMs, ino: prepared.st.ino };
    const step = await reader.read(source, st, prepared.wm, prepared.resume, Infinity, (b) => {
      p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
      return true;
    });
    assert.equal(step.outcome, "reimported");
    assert.deepEqual(
      texts(p),
      Array.from({ length: 12 }, (_, i) => `new ${i}`),
    );
  });

  it("refuses every later batch of a job once one is refused", async () => {
    writeFileSync(file, lines("line", 9000)); // several batches of 2000 lines
    const { p, reader, source } = setup();
    const prepared = prepareCatchUp(p, source);
    assert.ok(!("done" in prepared));
    const st = { size: prepared.st.size, mtimeMs: prepared.st.mtimeMs, ino: prepared.st.ino };
    const seen: number[] = [];
    const job = reader.read(source, st, prepared.wm, prepared.resume, Infinity, (b) => {
      seen.push(b.wm.offset);
      if (seen.length === 1) return false; // the first batch is refused
      p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
      return true;
    });
    // Hold this thread so the reader has posted its next batch before the refusal is seen: the
    // interleaving the latch is for (no timing is asserted; the outcome is the same without it).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    const step = await job;
    assert.equal(step.done, false);
    assert.deepEqual(seen.length, 1, "no batch handed over after the refused one");
    assert.equal(p.watermark(source.rel), undefined);
  });

  it("refuses a job whose file something else applied meanwhile (the watermark moved): it writes nothing", async () => {
    writeFileSync(file, lines("line", 9000));
    const paths = resolvePaths({ WARDEN_HOME: home, WARDEN_HOST: "h1" });
    mkdirSync(paths.runRoot, { recursive: true });
    const log = openLogger({ path: paths.log, level: "error", maxBytes: 1 << 20, echo: null });
    const secrets = new SecretValues();
    const service = new ProjectionStore(paths, log);
    const reader = new TranscriptReader(secrets);
    cleanup.push(
      () => service.close(),
      () => reader.close(),
    );
    const source: SourceFile = new SourceMap(home, "h1", [{ source: "claude-code", root }]).discover().sources.find((s) => s.rel.includes(":"))!;
    const job = importTranscriptStep(service, reader, secrets, source, { report: emptyReport(), budget: Infinity });
    // Before the reader's first batch arrives, the file is applied here (a catch-up would do this).
    assert.equal(catchUpFile(service.current, source, { secrets }).done, true);
    const changes = () => (service.db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;
    const before = changes();
    const step = await job;
    assert.equal(step.done, false, "the job ends refused (the engine tries the file again)");
    assert.equal(changes(), before, "no batch of the refused job was written");
    assert.equal(service.watermarkIndex().get(source.rel)!.offset, statSync(file).size);
  });

  it("a thread started again after a death masks with the secrets as they are: values learned meanwhile, and those known by digest", async () => {
    const LIVE = "live-value-Zx9cV8bN7mQ2";
    const OLD = "remembered-Pk3jH6gF5dS1";
    writeFileSync(file, line(`uses ${LIVE} and ${OLD}`));
    const secrets = new SecretValues();
    const known = new KnownDigests(Buffer.alloc(32, 7));
    known.remember(formsOf(OLD));
    secrets.useDigests(known); // OLD was masked before: known by digest only
    const p = Projection.open(":memory:");
    const reader = new TranscriptReader(secrets);
    cleanup.push(
      () => p.close(),
      () => reader.close(),
    );
    const source: SourceFile = new SourceMap(home, "h1", [{ source: "claude-code", root }]).discover().sources[0]!;
    const alive = setInterval(() => {}, 1000); // the thread and its respawn timer do not hold the event loop (a daemon's socket does)
    cleanup.push(() => clearInterval(alive));
    // The thread dies (as when a transcript fills its heap); a value is learned and a job asked before the next one starts.
    // biome-ignore lint/complexity/useLiteralKeys: a private field, reached on purpose to kill the thread
    await reader["worker"]!.terminate();
    await pollUntil(() => reader.status.state === "restarting", { what: "the reader restarting" });
    secrets.add(LIVE);
    const prepared = prepareCatchUp(p, source);
    assert.ok(!("done" in prepared));
    const versions: number[] = [];
    const step = await reader.read(
      source,
      { size: prepared.st.size, mtimeMs: prepared.st.mtimeMs, ino: prepared.st.ino },
      prepared.wm,
      prepared.resume,
      Infinity,
      (b, version) => {
        versions.push(version);
        p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
        return true;
      },
    );
    assert.equal(step.done, true);
    assert.equal(reader.status.restarts, 1);
    assert.deepEqual(versions, [secrets.version], "masked with the snapshot sent to the new thread");
    assert.deepEqual(texts(p), ["uses [MASKED:secret] and [MASKED:secret]"]);
  });
});
