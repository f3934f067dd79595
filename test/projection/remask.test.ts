// Masking stored history anew: events and search documents holding a newly known value are
// rewritten (only its forms: what the rules masked stays as it was), and a transcript batch
// masked before the value was known is masked with it before it is written.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SecretValues } from "../../src/masking/secret-values.js";
import { Projection } from "../../src/projection/projection.js";
import { remaskBatch, remaskDocs, remaskEvents, type RemaskCounts } from "../../src/projection/remask.js";

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
  p.db.prepare("INSERT INTO sessions (id, host, kind, state, created_at, updated_at, last_seq, source) VALUES ('s1', 'h', 'transcript', 'open', 't', 't', 3, 'claude-code')").run();
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
  });
});
