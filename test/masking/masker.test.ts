import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskBytes, StreamMasker } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { unfinishedStart } from "../../src/masking/unfinished.js";
import { fake, pem, tokens as t } from "./fixtures.js";

const SECRET = "hunter2-super-secret-value";
function secrets(...values: string[]) {
  const s = new SecretValues();
  for (const v of values) s.add(v);
  return s;
}
const mask = (text: string, s = secrets(SECRET)) => maskBytes(Buffer.from(text), s).bytes.toString();

/** Feeds `parts` through a stream masker as separate chunks and returns everything it emitted. */
function stream(parts: Array<string | Buffer>, s = secrets(SECRET)): string {
  const m = new StreamMasker(s, 1_000_000);
  const out = parts.map((p) => m.push(typeof p === "string" ? Buffer.from(p) : p));
  out.push(m.flush());
  return Buffer.concat(out).toString();
}

describe("masking", () => {
  it("masks served values and their base64 and URL-encoded forms", () => {
    const b64 = Buffer.from(SECRET).toString("base64");
    assert.equal(
      mask(`key=${SECRET} b64=${b64} url=${encodeURIComponent("p@ss word/" + SECRET)}`, secrets(SECRET, "p@ss word/" + SECRET)),
      "key=[MASKED:secret] b64=[MASKED:secret] url=[MASKED:secret]",
    );
  });

  const tokens: Array<[string, string]> = [
    ["aws_access_key", t.aws()],
    ["github", t.github()],
    ["github", t.githubFine()],
    ["slack", "xoxb-123456789012-abcdefghij"],
    ["openai", t.openaiProject()],
    ["anthropic", t.anthropic()],
    ["jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
    ["private_key", pem("RSA")],
  ];
  for (const [rule, token] of tokens) {
    it(`masks a ${rule} token`, () => assert.equal(mask(`before ${token} after`, secrets()), `before [MASKED:${rule}] after`));
  }

  it("leaves ordinary text and non-UTF-8 bytes exactly as they were", () => {
    const bytes = Buffer.from([0x68, 0x69, 0xff, 0x00, 0xc3, 0x28, 0x0a]);
    assert.deepEqual(maskBytes(bytes, secrets(SECRET)).bytes, bytes);
    assert.equal(mask("skip the sk- prefix alone, eyJ too, ghp_short"), "skip the sk- prefix alone, eyJ too, ghp_short");
  });

  it("masks a secret split across two chunks, at any split point", () => {
    const text = `output ${SECRET} more`;
    for (let cut = 1; cut < text.length; cut++) {
      const got = stream([text.slice(0, cut), text.slice(cut)]);
      assert.ok(!got.includes("super-secret"), `leaked at cut ${cut}: ${got}`);
      assert.match(got, /\[MASKED:secret\]/);
    }
  });

  it("masks a token split across chunks, at any split point", () => {
    const token = "sk-proj-" + fake(40, 9);
    const text = `key: ${token}\n`;
    for (let cut = 1; cut < text.length; cut++) {
      const got = stream([text.slice(0, cut), text.slice(cut)], secrets());
      assert.ok(!got.includes(token.slice(-10)), `leaked at cut ${cut}: ${got}`);
      assert.match(got, /\[MASKED:openai\]/);
    }
  });

  it("holds exactly the longest start of a value that ends a chunk, its first char repeated in the value and the chunk", () => {
    const value = "aab-aab-aac7Q";
    for (const [chunk, emitted, firm] of [
      ["x aab-aa", "x ", true], // the whole start, not the later "aa"
      ["x aab-aab-a", "x ", true],
      ["x aab-aac", "x aab-aac", false], // no start of the value ends it
      ["aaa", "a", false], // "aa": 2 chars, a hold that may time out
      ["ya", "y", false],
      ["aab-aab-aac7", "", true],
      ["aab-aab-aac7Q", "[MASKED:secret]", false],
      ["x\x1b[1maab-\x1b[0maa", "x\x1b[1m", true], // through a colour code
    ] as const) {
      const m = new StreamMasker(secrets(value), 1_000_000);
      assert.equal(m.push(Buffer.from(chunk)).toString(), emitted, chunk);
      assert.equal(m.firm, firm, chunk);
    }
  });

  it("holds back only what may be a secret or token, and releases it after holdMs", (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: 1_000_000 });
    const m = new StreamMasker(secrets(SECRET), 30);
    assert.equal(m.push(Buffer.from("ls -la\r\n")).toString(), "ls -la\r\n", "ordinary output goes out at once");
    assert.equal(m.push(Buffer.from("token sk-")).toString(), "token ");
    assert.ok(m.holding);
    t.mock.timers.tick(29);
    assert.equal(m.push(Buffer.from("")).toString(), "", "still held before holdMs");
    t.mock.timers.tick(1);
    assert.equal(m.push(Buffer.from("x")).toString(), "sk-x", "released after the hold: it never became a token");
  });

  it("masks a secret typed at human speed, a key every 120 ms (holds on 3+ chars of it never time out)", async (t) => {
    const { OutputStream } = await import("../../src/sessions/output.js");
    // Mocked time: Date and setTimeout for the masker's holds, performance.now (the coalescer's clock) follows Date.
    t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
    t.mock.method(performance, "now", () => Date.now());
    let out = "";
    const o = new OutputStream({ coalesceMs: 5, coalesceBytes: 65536, holdMs: 30 }, secrets(SECRET), (b) => (out += b.toString()));
    for (const ch of `x ${SECRET} y`) {
      o.push(Buffer.from(ch));
      for (let ms = 0; ms < 120; ms++) t.mock.timers.tick(1); // a millisecond at a time: each timer sees its own moment
    }
    o.end();
    assert.equal(out, "x hu[MASKED:secret] y", "at most 2 chars (the timed-out short holds) go out before it is recognised");
  });

  it("masks a token far longer than the chunk tail when it arrives in two pieces", () => {
    const jwt = "eyJ" + fake(600, 1) + ".eyJ" + fake(600, 2) + ".sig" + fake(60, 3);
    const m = new StreamMasker(secrets(), 10_000);
    const out = m.push(Buffer.from("tok " + jwt.slice(0, 621))).toString() + m.push(Buffer.from(jwt.slice(621) + " end\n")).toString();
    assert.equal(out, "tok [MASKED:jwt] end\n");
  });

  it("holds a key block from its header arriving a byte at a time, and its body when the header went out already", () => {
    const key = pem("OPENSSH", 4);
    const text = `$ cat id\n${key}\n$ `;
    // Two dashes go out before a header is recognisable (held from three on), no base64.
    assert.equal(stream([...text]), "$ cat id\n--[MASKED:private_key]\n$ ");
    // The header emitted by a timed-out hold: the body after it is still held, until something else follows.
    const header = key.slice(0, key.indexOf("\n") + 1);
    const shown = `$ cat id\n${header}`;
    assert.equal(unfinishedStart(shown + "b3BlbnNzaC1rZXktdjEA", shown.length), shown.length);
    assert.equal(unfinishedStart(`${shown}b3BlbnNzaC1rZXktdjEA\n$ ls\n`, shown.length + 25), -1, "a block cut short holds nothing after it");
  });
});
