// A transcript line whose masked text no longer parses (a vault value that is a JSON number, or
// that spans JSON syntax) falls back to masking the line token by token: string values, object
// keys and numbers alike, numbers by their literal text (never rounded through a double first).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SecretValues } from "../../src/masking/secret-values.js";
import { maskedRecord } from "../../src/sync/mask-record.js";

const PIN = "739184620553"; // a vault value that is all digits: in JSON it may stand as a number
const BIG = "12345678901234567890"; // beyond a double's precision
const secrets = (...values: string[]) => {
  const s = new SecretValues();
  for (const v of values) s.add(v);
  return s;
};

describe("masked transcript records", () => {
  it("masks a secret held in a numeric field", () => {
    const hits: Record<string, number> = {};
    const out = maskedRecord(`{"type":"user","pin":${PIN},"note":"ok"}`, secrets(PIN), hits);
    assert.ok(out !== undefined, "the line is still read");
    const text = JSON.stringify(out);
    assert.ok(!text.includes(PIN), text);
    assert.equal((out as Record<string, unknown>).note, "ok");
    assert.equal(hits.secret, 1);
  });

  it("masks a number by its literal text, not by its rounded value", () => {
    const out = maskedRecord(`{"n":${BIG}}`, secrets(BIG), {});
    assert.ok(!JSON.stringify(out).includes(BIG.slice(0, 12)), JSON.stringify(out));
  });

  it("masks object keys once the line falls back", () => {
    const hits: Record<string, number> = {};
    const out = maskedRecord(`{"by_key":{"${PIN}x":"v"},"pin":${PIN}}`, secrets(PIN), hits);
    assert.ok(out !== undefined);
    const text = JSON.stringify(out);
    assert.ok(!text.includes(PIN), text);
    assert.equal(hits.secret, 2);
  });

  it("masks a token rule's match in a key", () => {
    const token = "ghp_" + "q8ZLm2VxR7tNwb4Kc9HyJ5sPdF3a0GuE1oTi";
    const out = maskedRecord(`{"${token}":1,"pin":${PIN}}`, secrets(PIN), {});
    assert.ok(!JSON.stringify(out).includes(token), JSON.stringify(out));
  });

  it("leaves a line with nothing to mask as it is, and a line that is not JSON unread", () => {
    assert.deepEqual(maskedRecord(`{"a":1,"b":[2,"c"]}`, secrets(PIN), {}), { a: 1, b: [2, "c"] });
    assert.equal(maskedRecord(`{"pin":${PIN}`, secrets(PIN), {}), undefined);
  });
});
