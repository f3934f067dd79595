// Watermarked import of transcripts into a real SQLite projection: appends cost only their bytes,
// rewrites re-import, deletes keep history, slices add up to a one-shot import, nothing unmasked
// is stored, and a pass over unchanged files writes nothing.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { catchUpAll, catchUpFile } from "../../src/sync/catch-up.js";
import type { ImportReport } from "../../src/sync/import-step.js";
import { Projection } from "../../src/projection/projection.js";
import { search } from "../../src/projection/read.js";
import type { SourceFile } from "../../src/projection/sources.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { indexLedgerSlice } from "../../src/sync/ledger-index.js";
import { SourceMap } from "../../src/sync/source-map.js";

const SESSION = "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6";
const TOKEN = "ghp_" + "q8ZLm2VxR7tNwb4Kc9HyJ5sPdF3a0GuE1oTi".slice(0, 36);
let dir: string;
let home: string;
let root: string;
let file: string;
const projections: Projection[] = [];
let n = 0;

const line = (text: string) =>
  JSON.stringify({
    type: "user",
    sessionId: SESSION,
    uuid: `u${++n}`,
    timestamp: `2026-11-20T10:00:${String(n % 60).padStart(2, "0")}.000Z`,
    cwd: "/p",
    message: { role: "user", content: text },
  }) + "\n";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-ss-"));
  home = join(dir, "home");
  root = join(dir, "projects");
  mkdirSync(join(root, "-p"), { recursive: true });
  mkdirSync(home);
  file = join(root, "-p", `${SESSION}.jsonl`);
});
afterEach(() => {
  for (const p of projections.splice(0)) p.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = () => {
  const p = Projection.open(":memory:");
  projections.push(p);
  return p;
};
const map = () => new SourceMap(home, "h1", [{ source: "claude-code", root }]);
const sources = () => map().discover().sources;
const sync = (p: Projection) => catchUpAll(p, home, { extra: sources() });
const texts = (p: Projection) =>
  (p.db.prepare("SELECT data FROM events WHERE session = ? ORDER BY seq").all(`claude-${SESSION}`) as Array<{ data: string }>).map(
    (r) => JSON.parse(r.data) as Record<string, unknown>,
  );
const changes = (p: Projection) => (p.db.prepare("SELECT total_changes() AS n").get() as { n: number }).n;

describe("transcript sources", () => {
  it("imports, then reads only appended bytes, and writes nothing when nothing changed", () => {
    const p = open();
    writeFileSync(file, line("first words") + line("second words"));
    const one = sync(p);
    assert.equal(one.outcomes.new, 1);
    assert.equal(texts(p).length, 2);
    const appended = line("third words");
    appendFileSync(file, appended);
    const two = sync(p);
    assert.equal(two.outcomes.appended, 1);
    assert.equal(two.bytes, Buffer.byteLength(appended), "only the new line is read");
    assert.equal(texts(p).length, 3);
    const before = changes(p);
    const three = sync(p);
    assert.equal(three.outcomes.unchanged, 1);
    assert.equal(three.bytes, 0);
    assert.equal(changes(p), before, "no row written");
  });

  it("waits for a torn last line to be completed", () => {
    const p = open();
    const whole = line("complete line");
    writeFileSync(file, line("one") + whole.slice(0, 20));
    sync(p);
    assert.equal(texts(p).length, 1);
    appendFileSync(file, whole.slice(20));
    assert.equal(sync(p).outcomes.appended, 1);
    assert.equal(texts(p).length, 2);
  });

  it("re-imports a rewritten file, even one of the same size, and a shrunk one", () => {
    const p = open();
    writeFileSync(file, line("alpha words here") + line("beta"));
    sync(p);
    n -= 2; // the same uuids and timestamps: only the words differ, not the size
    writeFileSync(file, line("gamma words here") + line("delt"));
    assert.equal(sync(p).outcomes.reimported, 1);
    assert.equal(search(p.db, { q: "alpha", limit: 10 }).results.length, 0, "the old text is gone");
    assert.equal(search(p.db, { q: "gamma", limit: 10 }).results.length, 1);
    writeFileSync(file, line("short"));
    assert.equal(sync(p).outcomes.reimported, 1);
    assert.equal(texts(p).length, 1);
  });

  it("keeps a deleted file's history, marked, and clears the mark when it comes back", () => {
    const p = open();
    writeFileSync(file, line("kept history"));
    sync(p);
    unlinkSync(file);
    const src = sources();
    assert.equal(src.length, 0);
    const gone = map().fromRel(`claude-code:-p/${SESSION}.jsonl`)!;
    assert.equal(catchUpFile(p, gone).outcome, "missing");
    const row = p.db.prepare("SELECT source_missing FROM sessions WHERE id = ?").get(`claude-${SESSION}`) as { source_missing: number };
    assert.equal(row.source_missing, 1);
    assert.equal(texts(p).length, 1, "rows stay");
    writeFileSync(file, line("kept history").replace(/u\d+/, "u-same"));
    sync(p);
    assert.equal((p.db.prepare("SELECT source_missing FROM sessions WHERE id = ?").get(`claude-${SESSION}`) as { source_missing: number }).source_missing, 0);
  });

  it("gives the same rows read in small slices as in one go", () => {
    let text = "";
    for (let i = 0; i < 300; i++) text += line(`line number ${i} ${"pad ".repeat(i % 20)}`);
    writeFileSync(file, text);
    const whole = open();
    sync(whole);
    const sliced = open();
    const [source] = sources() as [SourceFile];
    let steps = 0;
    for (let step = catchUpFile(sliced, source, { budget: 2048 }); ; step = catchUpFile(sliced, source, { budget: 2048 })) {
      steps++;
      if (step.done) break;
    }
    assert.ok(steps > 10, `read in ${steps} slices`);
    const dump = (p: Projection) =>
      JSON.stringify([
        p.db.prepare("SELECT * FROM events ORDER BY session, seq").all(),
        p.db.prepare("SELECT session, seq, text FROM search_docs ORDER BY session, seq").all(),
      ]);
    assert.equal(dump(sliced), dump(whole));
  });

  it("masks before storing: events, search text and session title", () => {
    const p = open();
    writeFileSync(file, line(`my token is ${TOKEN} ok`));
    const r: ImportReport = sync(p);
    assert.equal(r.masked.github, 1);
    const all = JSON.stringify([
      p.db.prepare("SELECT * FROM events").all(),
      p.db.prepare("SELECT * FROM search_docs").all(),
      p.db.prepare("SELECT * FROM sessions").all(),
    ]);
    assert.ok(!all.includes(TOKEN.slice(4)));
    assert.ok(all.includes("[MASKED:github]"));
    const wm = p.watermarks().find((w) => w.kind === "claude-code")!;
    assert.equal(wm.masked, 1);
  });
});

describe("ledger search text", () => {
  it("indexes terminal output without escape sequences, masked", () => {
    const p = open();
    mkdirSync(join(home, "ledger", "h1"), { recursive: true });
    const ev = (seq: number, kind: string, data: object) => JSON.stringify({ v: 1, session: "s1", seq, ts: "2026-11-20T10:00:00.000Z", kind, data }) + "\n";
    writeFileSync(
      join(home, "ledger", "h1", "s1.jsonl"),
      ev(1, "launch", { mode: "pty", title: "build", argv: ["make", "release"], cwd: "/p" }) +
        ev(2, "output", { stream: "pty", text: `\x1b[31mcompile\x1b[0m failed: ${TOKEN}\r\n` }) +
        ev(3, "resize", { cols: 80, rows: 24 }),
    );
    catchUpAll(p, home);
    assert.equal(p.db.prepare("SELECT count(*) AS n FROM search_docs").pluck().get(), 0, "documents are made in the background, not with the events");
    const source = map().fromRel("ledger/h1/s1.jsonl")!;
    for (let mark = p.unindexedLedgers()[0]; mark; mark = p.unindexedLedgers()[0]) {
      indexLedgerSlice(p, source, { ...mark, masked: p.watermark(mark.path)!.masked }, new SecretValues(), 64);
    }
    const docs = p.db.prepare("SELECT seq, text FROM search_docs ORDER BY seq").all() as Array<{ seq: number; text: string }>;
    assert.deepEqual(
      docs.map((d) => d.seq),
      [1, 2],
      "resizes are not searchable",
    );
    assert.equal(docs[1]!.text, "compile failed: [MASKED:github]\n");
    assert.equal(search(p.db, { q: "release", limit: 5 }).results[0]!.kind, "launch");
    assert.equal(p.watermark("ledger/h1/s1.jsonl")!.indexed, p.watermark("ledger/h1/s1.jsonl")!.offset, "caught up, in 64-byte slices");
  });
});
