// Values known only by keyed digest: found as whole tokens in the contexts they are printed in,
// never by someone without the key, and carried to a worker thread by snapshot.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskText } from "../../src/masking/masker.js";
import { KnownDigests } from "../../src/masking/known-digests.js";
import { formsOf, SecretValues } from "../../src/masking/secret-values.js";

const KEY = Buffer.alloc(32, 3);
const VALUE = "plain-looking-Wq8eR4tY6uIo";

function digested(key = KEY): SecretValues {
  const s = new SecretValues();
  const known = new KnownDigests(key);
  known.remember(formsOf(VALUE));
  s.useDigests(known);
  return s;
}

describe("values known by keyed digest", () => {
  it("masks the value split by a terminal escape sequence, as it masks a vault value", () => {
    const split = `pass ${VALUE.slice(0, 5)}\x1b[31m${VALUE.slice(5)}\x1b[0m done`;
    const out = maskText(split, digested()).text;
    assert.ok(out.includes("[MASKED:secret]") && !out.includes(VALUE.slice(5)), JSON.stringify(out));
  });

  it("masks the value in the contexts it is printed in, and its encodings", () => {
    const s = digested();
    const b64 = Buffer.from(VALUE).toString("base64");
    for (const text of [
      `the password is ${VALUE}.`.replace(".", " ."),
      `DB_PASS=${VALUE}`,
      `postgres://app:${VALUE}@db:5432/x`,
      `{"text":"the key\\n${VALUE}"}`,
      `"${VALUE}"`,
      `b64 ${b64}`,
      `auth=${b64}`,
      `q=${encodeURIComponent(VALUE)}&x=1`,
    ]) {
      const m = maskText(text, s);
      assert.ok(!m.text.includes(VALUE) && !m.text.includes(b64), `${text} -> ${m.text}`);
      assert.equal(m.hits.secret, 1, text);
    }
  });

  it("leaves other text alone, and a prefix or extension of the value", () => {
    const s = digested();
    for (const text of ["nothing to see here at all", `${VALUE}x`, `x${VALUE}`, VALUE.slice(1)]) assert.equal(maskText(text, s).text, text);
  });

  it("finds nothing under another key, and the set holds no value", () => {
    const other = digested(Buffer.alloc(32, 4));
    const known = new KnownDigests(Buffer.alloc(32, 4), digested().digests!.snapshot().entries);
    assert.equal(known.has(VALUE), false, "entries made with another key");
    assert.equal(other.digests!.has(VALUE), true);
    assert.ok(!JSON.stringify(digested().snapshot()).includes(VALUE));
    assert.throws(() => new KnownDigests(Buffer.alloc(16)));
  });

  it("survives a snapshot (a worker thread's copy)", () => {
    const copy = SecretValues.from(digested().snapshot());
    assert.equal(copy.size, 0, "no value crosses");
    assert.equal(maskText(`x ${VALUE} y`, copy).text, "x [MASKED:secret] y");
  });

  it("skips the digest scan while every known digest's value is held in memory", () => {
    const s = digested();
    assert.ok(s.formSet("text").known, "a value known by digest only: scanned for");
    assert.deepEqual(s.addRemembered(VALUE), [], "its digests were known");
    assert.equal(s.formSet("text").known, null);
    const added = s.addRemembered("another-value-Lk2jH7gF4dSa");
    assert.ok(added && added.length > 0);
    assert.equal(s.formSet("text").known, null);
    assert.equal(maskText(`x ${VALUE} y`, s).text, "x [MASKED:secret] y");
  });
  it("finds the value wherever a run of token chars starts or ends (the scan skips short runs a window at a time)", () => {
    const s = digested();
    const n = VALUE.length;
    const cases: [string, number][] = [
      [`${"a".repeat(n - 1)} ${VALUE}`, 1],
      [`;;${VALUE}`, 1],
      [`${VALUE}`, 1],
      [`x ${VALUE}\t${VALUE}`, 2],
      [`"${VALUE}","${VALUE}"`, 2],
      [`${VALUE.slice(0, n - 1)} ${VALUE.slice(1)} ${VALUE.slice(2)}x`, 0],
      [`key=${VALUE}&q=1`, 1],
      [`{"t":"\\n${VALUE}\\u00e9"}`, 1],
      [`${VALUE}x ${VALUE}`, 1],
      ["ab".repeat(100) + VALUE, 0],
      ["ab".repeat(100) + "/" + VALUE, 1],
      [`${"b".repeat(n)} ${"c".repeat(n - 2)}; ${VALUE}`, 1],
      [`a/b/${VALUE}`, 1],
    ];
    for (const [text, hits] of cases) assert.equal(maskText(text, s).hits.secret ?? 0, hits, text);
  });
});
