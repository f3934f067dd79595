// Masking stored history anew: events and search documents holding a newly known value are
// rewritten (only its forms: what the rules masked stays as it was), and a transcript batch
// masked before the value was known is masked with it before it is written; so are the rows of a
// re-import being built apart (staged) when the value is learned, before they are swapped in.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SecretValues } from "../../src/masking/secret-values.js";
import { catchUpFile } from "../../src/sync/catch-up.js";
import { Projection } from "../../src/projection/projection.js";
import { remaskBatch, remaskDocs, remaskEvents, remaskSessions, remaskStaged, type RemaskCounts } from "../../src/projection/remask.js";
import { resumePoint } from "../../src/sync/resume.js";
import { SourceMap } from "../../src/sync/source-map.js";
import { importTranscriptSlice } from "../../src/sync/transcript-slice.js";
import { claudeUserTranscript } from "../helpers/transcripts.js";

const VALUE = "plain-looking-Wq8eR4tY6uIo";
const only = () => {
  const s = new SecretValues();
  s.add(VALUE);
  return s;
};

function seeded(): Projection {
  const p = Projection.inMemory();
  const put = p.db.prepare("INSERT INTO events (session, seq, ts, kind, data, src_offset, src_length, mask_version) VALUES (?, ?, 't', 'user', ?, 0, 0, 2)");
  const doc = p.db.prepare("INSERT INTO search_docs (session, seq, ts, kind, text) VALUES (?, ?, 't', 'user', ?)");
  p.db
    .prepare(
      "INSERT INTO sessions (id, host, kind, state, created_at, updated_at, last_seq, source) VALUES ('s1', 'h', 'transcript', 'open', 't', 't', 3, 'claude-code')",
    )
    .run();
  put.run("s1", 1, JSON.stringify({ text: `uses ${VALUE} here` }));
  doc.run("s1", 1, `uses ${VALUE} here`);
  put.run("s1", 2, JSON.stringify({ text: "nothing secret, token [MASKED:github]", b64: "a2V5PWFiYw==" }));
  doc.run("s1", 2, "nothing secret");
  put.run("s1", 3, JSON.stringify({ text: `b64 ${Buffer.from(VALUE).toString("base64")}` }));
  return p;
}

describe("remask", () => {
  it("rewrites the events and documents holding a value, and nothing else", () => {
    const p = seeded();
    const counts: RemaskCounts = { scanned: 0, rewritten: 0, ledgerRows: 0 };
    remaskDocs(p, only(), counts, "/nonexistent");
    let cursor = remaskEvents(p, only(), null, 2, counts);
    assert.deepEqual(cursor, { session: "s1", seq: 2 });
    cursor = remaskEvents(p, only(), cursor, 2, counts);
    assert.equal(cursor, null);
    assert.equal(counts.scanned, 3);
    const data = (p.db.prepare("SELECT data FROM events ORDER BY seq").all() as Array<{ data: string }>).map((r) => r.data);
    assert.equal(JSON.parse(data[0]!).text, "uses [MASKED:secret] here");
    assert.equal(data[1], JSON.stringify({ text: "nothing secret, token [MASKED:github]", b64: "a2V5PWFiYw==" }), "untouched");
    assert.equal(JSON.parse(data[2]!).text, "b64 [MASKED:secret]");
    const found = p.db.prepare("SELECT count(*) AS n FROM search WHERE search MATCH ?").get('"wq8er4ty6uio"') as { n: number };
    assert.equal(found.n, 0, "the search index no longer finds it");
    assert.ok(!JSON.stringify(p.db.prepare("SELECT * FROM search_docs").all()).includes(VALUE));
    p.close();
  });

  it("masks a transcript batch masked before the value was known", () => {
    const batch = {
      session: { title: `about ${VALUE}`, meta: { n: 1 } },
      rows: [
        { data: JSON.stringify({ text: `x ${VALUE}` }), text: `x ${VALUE}`, seq: 1 },
        { data: JSON.stringify({ text: "plain" }), text: "plain", seq: 2 },
      ],
    };
    const out = remaskBatch(batch, only());
    assert.ok(!JSON.stringify(out).includes(VALUE), JSON.stringify(out));
    assert.equal(out.rows[1], batch.rows[1], "a row without it is the same row");
    assert.equal(remaskBatch(batch, new SecretValues()), batch);
    // Masked by a thread that knew the value: rows as they are; the session and the importer's
    // state (text of earlier jobs, the first prompt) are masked all the same.
    const withState = { ...batch, wm: { offset: 1, state: JSON.stringify({ firstUser: `about ${VALUE}` }) } };
    const fresh = remaskBatch(withState, only(), false);
    assert.equal(fresh.rows, batch.rows);
    assert.ok(!JSON.stringify(fresh.session).includes(VALUE) && !fresh.wm.state.includes(VALUE), JSON.stringify(fresh));
    assert.equal(fresh.wm.offset, 1);
    const clean = { ...withState, session: { title: "plain" }, wm: { offset: 1, state: "{}" } };
    assert.equal(remaskBatch(clean, only(), false), clean, "nothing holds it: the same batch");
  });

  it("masks the rows of a re-import staged before the value was known, so they are swapped in masked", () => {
    const dir = mkdtempSync(join(tmpdir(), "wd-rs-"));
    const p = Projection.open(":memory:");
    try {
      const SESSION = "6e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b7";
      const root = join(dir, "projects");
      mkdirSync(join(root, "-p"), { recursive: true });
      mkdirSync(join(dir, "home"));
      const file = join(root, "-p", `${SESSION}.jsonl`);
      const lines = (version: string) => claudeUserTranscript(SESSION, version, 2000, `uses ${VALUE}`);
      writeFileSync(file, lines("v1"));
      const source = new SourceMap(join(dir, "home"), "h1", [{ source: "claude-code", root }]).discover().sources.find((s) => s.rel.includes(":"))!;
      catchUpFile(p, source);
      // Rewritten: re-imported from its start, in slices; the first slices are staged while the value is not known yet.
      writeFileSync(file, lines("v2"));
      const st = statSync(file);
      const wm = p.watermark(source.rel);
      const step = importTranscriptSlice(p, source, st, wm, resumePoint(file, source.kind, st, wm), { budget: 65536 });
      assert.equal(step.done, false, "one slice of many");
      const staged = (p.db.prepare("SELECT count(*) AS n FROM staged_events WHERE instr(data, ?) > 0 OR instr(text, ?) > 0").get(VALUE, VALUE) as { n: number })
        .n;
      assert.ok(staged > 0, "staged rows hold the value");
      // The value is learned: a pass masks history (what the remask job runs), and later slices are masked by the importer.
      const counts: RemaskCounts = { scanned: 0, rewritten: 0, ledgerRows: 0 };
      remaskStaged(p, only(), counts);
      for (let c = remaskEvents(p, only(), null, 500, counts); c; c = remaskEvents(p, only(), c, 500, counts));
      remaskSessions(p, only(), counts);
      remaskDocs(p, only(), counts, join(dir, "home"));
      let more = step;
      while (!more.done) more = catchUpFile(p, source, { budget: 65536, secrets: only() });
      assert.equal((p.db.prepare("SELECT count(*) AS n FROM staged_events").get() as { n: number }).n, 0, "swapped in");
      assert.match((p.db.prepare("SELECT data FROM events WHERE seq = 1").get() as { data: string }).data, /v2 line 0 uses \[MASKED:secret\]/);
      for (const table of ["events", "search_docs", "sessions", "import_state"]) {
        assert.ok(!JSON.stringify(p.db.prepare(`SELECT * FROM ${table}`).all()).includes(VALUE), `${table} holds no value`);
      }
    } finally {
      p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
