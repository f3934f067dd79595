// Secrets split by terminal escape sequences (`grep --color=always`, a prompt's colour reset, a
// title set mid-line): masked whole, escapes inside the secret included, escapes around it kept;
// in PTY bytes, in streams cut at every byte, and in transcript JSON lines where the escapes are
// written `\u001b[…`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ansiView } from "../../src/masking/ansi.js";
import { maskBytes, maskText, StreamMasker } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { fake, tokens as t } from "./fixtures.js";

const VALUE = "wdnRT7f3Kq9ZpX2mLv8cY4";
/** The value as `grep --color=always Kq9` prints it: the match in red, each colour change with an erase. */
const GREP = "wdnRT7f3\x1b[01;31m\x1b[KKq9\x1b[m\x1b[KZpX2mLv8cY4";

function secrets(...values: string[]) {
  const s = new SecretValues();
  for (const v of values) s.add(v);
  return s;
}
const none = secrets();
const bytes = (text: string, s = secrets(VALUE)) => maskBytes(Buffer.from(text, "latin1"), s).bytes.toString("latin1");
/** What a terminal shows: the text without CSI sequences (ESC [ or C1). */
const shown = (text: string) => text.replace(/(?:\x1b\[|\xc2\x9b)[0-9;?]*[ -/]*[@-~]/g, "");

function stream(parts: string[], s: SecretValues): string {
  const m = new StreamMasker(s, 1_000_000);
  const out = parts.map((p) => m.push(Buffer.from(p, "latin1")));
  out.push(m.flush());
  return Buffer.concat(out).toString("latin1");
}

describe("secrets split by escape sequences", () => {
  it("masks a vault value as grep --color prints it, keeping the escapes around it", () => {
    assert.equal(bytes(`f.env:TOKEN=${GREP}\r\n`), "f.env:TOKEN=[MASKED:secret]\r\n");
    assert.equal(bytes(`\x1b[35mf.env\x1b[m\x1b[36m:\x1b[m${GREP} \x1b[1mok\x1b[0m`), "\x1b[35mf.env\x1b[m\x1b[36m:\x1b[m[MASKED:secret] \x1b[1mok\x1b[0m");
  });

  it("masks a value with any kind of sequence in its middle: CSI, OSC, charset, two-char, C1", () => {
    for (const esc of [
      "\x1b[0m",
      "\x1b[38;5;196m",
      "\x1b[?25l",
      "\x1b[2K",
      "\x1b]0;title\x07",
      "\x1b]8;;https://x.io/\x1b\\",
      "\x1b(B",
      "\x1b7",
      "\x1b=",
      "\xc2\x9b1m",
      "\xc2\x9d0;t\x07",
    ]) {
      const text = `a ${VALUE.slice(0, 7)}${esc}${VALUE.slice(7, 15)}${esc}${VALUE.slice(15)} b`;
      assert.equal(bytes(text), "a [MASKED:secret] b", JSON.stringify(esc));
    }
  });

  it("masks the base64 form of a value split by a colour code", () => {
    const b64 = Buffer.from(VALUE).toString("base64");
    assert.equal(bytes(`x ${b64.slice(0, 10)}\x1b[1m${b64.slice(10)}\x1b[0m y`), "x [MASKED:secret]\x1b[0m y");
  });

  it("masks tokens of the rules split by a colour reset or an erase", () => {
    for (const [rule, token] of [
      ["github", t.github()],
      ["anthropic", t.anthropic()],
      ["openai", t.openaiProject()],
      ["aws_access_key", t.aws()],
    ] as const) {
      for (const cut of [5, 12, token.length - 3]) {
        const text = `$ env\r\nKEY ${token.slice(0, cut)}\x1b[m\x1b[K${token.slice(cut)}\r\n`;
        assert.equal(bytes(text, none), `$ env\r\nKEY [MASKED:${rule}]\r\n`, `${rule} cut at ${cut}`);
      }
    }
    const assignment = `export API_KEY=${fake(16, 3)}\x1b[0m${fake(16, 4)}`;
    assert.equal(bytes(assignment, none), "export API_KEY=[MASKED:generic_secret]");
  });

  it("masks a token right after a colour code or an erase that follows a word", () => {
    for (const esc of ["\x1b[m\x1b[K", "\x1b[01;31m\x1b[K", "\x1b[K"]) {
      assert.equal(bytes(`file${esc}${t.github()} x`, none), `file${esc}[MASKED:github] x`, JSON.stringify(esc));
    }
  });

  it("leaves text whose escapes split no secret exactly as it was", () => {
    const text = "\x1b[01;34mdir\x1b[0m  \x1b[01;32mrun.sh\x1b[0m\r\n\x1b]0;user@host: ~\x07$ ";
    assert.equal(bytes(text), text);
    const line = JSON.stringify({ out: text });
    assert.ok(Object.is(maskText(line, secrets(VALUE)).text, line));
  });

  it("in a stream, masks it whatever the chunk boundaries: cut at every byte, and byte by byte", () => {
    const text = `\x1b[32m$\x1b[0m grep --color=always Kq9 .env\r\n\x1b[35m.env\x1b[m\x1b[36m:\x1b[mTOKEN=${GREP}\r\n`;
    const gh = `gh: ${t.github().slice(0, 10)}\x1b[01;31m\x1b[K${t.github().slice(10, 20)}\x1b[m\x1b[K${t.github().slice(20)}\r\n`;
    // A C1 CSI is two bytes in UTF-8 (C2 9B): a cut between them leaves a lone C2 that is still arriving.
    const c1 = `x ${VALUE.slice(0, 9)}\xc2\x9b01;31m${VALUE.slice(9)}\xc2\x9bm\r\n`;
    for (const [input, rule, s, secret] of [
      [text, "secret", secrets(VALUE), VALUE],
      [gh, "github", none, t.github()],
      [c1, "secret", secrets(VALUE), VALUE],
    ] as const) {
      const check = (out: string, how: string) => {
        const visible = shown(out);
        assert.ok(!visible.includes(secret.slice(3, 9)) && !visible.includes(secret.slice(-6)), `leaked ${how}: ${JSON.stringify(out)}`);
        assert.ok(out.includes(`[MASKED:${rule}]`), `not masked ${how}: ${JSON.stringify(out)}`);
      };
      for (let cut = 1; cut < input.length; cut++) check(stream([input.slice(0, cut), input.slice(cut)], s), `at cut ${cut}`);
      check(stream([...input], s), "byte by byte");
    }
  });

  it("in a transcript's JSON line, masks a value and a token whose escapes are written \\u001b[…, and the line still parses", () => {
    const line = JSON.stringify({
      type: "tool_result",
      content: `$ grep --color=always Kq9 .env\n.env:${GREP}\ngh ${t.github().slice(0, 9)}\x1b[0m${t.github().slice(9)}\n`,
    });
    assert.ok(line.includes("\\u001b[01;31m"));
    const r = maskText(line, secrets(VALUE));
    assert.deepEqual(JSON.parse(r.text), { type: "tool_result", content: "$ grep --color=always Kq9 .env\n.env:[MASKED:secret]\ngh [MASKED:github]\n" });
    assert.deepEqual(r.hits, { secret: 1, github: 1 });
    const upper = line.replaceAll("\\u001b", "\\u001B");
    assert.deepEqual(JSON.parse(maskText(upper, secrets(VALUE)).text), JSON.parse(r.text));
    // A C1 CSI as an ASCII-only JSON writer escapes it.
    const c1 = `{"out":"${VALUE.slice(0, 9)}\\u009b31m${VALUE.slice(9)}"}`;
    assert.equal(maskText(c1, secrets(VALUE)).text, '{"out":"[MASKED:secret]"}');
  });

  it("takes out each kind of sequence, one still arriving at the end too, and maps the rest to raw offsets", () => {
    const cases: Array<[string, string, number[]]> = [
      ["\x1b[31mred\x1b[0m", "red", [5, 6, 7]],
      ["a\x1b\x1b[1mb", "ab", [0, 6]], // a lone ESC, then a CSI
      ["x\x1b]0;title\x1b[1my", "xy", [0, 14]], // an OSC cut short by the next sequence
      ["x\x1bP1$r\x1b\\y", "xy", [0, 8]], // DCS up to ST
      ["a\x1b(Bb", "ab", [0, 4]],
      ["a\xc2\x9b1mb\xc2\x9d0;t\xc2\x9cc", "abc", [0, 5, 13]], // C1 CSI, OSC and ST in UTF-8
      ["a\x1b[31", "a", [0]], // still arriving
      ["a\x1b]0;t", "a", [0]],
      ["a\x1b", "a", [0]],
      ["a\xc2", "a", [0]], // the first byte of a C1 CSI or OSC, the second yet to come
      ["a\xc2\xa0b\x1b[1mc", "a\xc2\xa0bc", [0, 1, 2, 3, 8]], // C2 of another char (NBSP), then a CSI
      ["\xc2\xc2\x9b1mx\x1b", "\xc2x", [0, 5]], // C2 before a C1 CSI; an ESC ending the text
    ];
    for (const [raw, text, at] of cases) {
      const view = ansiView(raw, "bytes");
      assert.deepEqual(view && { text: view.text, at: [...view.at] }, { text, at }, JSON.stringify(raw));
    }
    // A CSI of 63 parameter bytes at the end is still arriving; one of 64 is too long to be one.
    assert.equal(ansiView("a\x1b[" + "1".repeat(63), "bytes")?.text, "a");
    assert.equal(ansiView("a\x1b[" + "1".repeat(64), "bytes")?.text, "a[" + "1".repeat(64));
    assert.equal(ansiView("no escapes at all", "bytes"), null);
    assert.equal(ansiView(String.raw`a\u001b]8;;https://x.io\u001b\\b \u001b]0;t\u0007c`, "text")?.text, "ab c");
    assert.equal(ansiView(String.raw`\u00e9\\u001b[1m\u001b[1mx\u00c2\u009b1my`, "text")?.text, String.raw`\u00e9\\u001b[1mx\u00c2y`);
  });

  it("does not take an escaped backslash followed by u001b for an escape", () => {
    const view = ansiView(String.raw`a\\u001b[1mb \u001b[1mc`, "text");
    assert.equal(view?.text, String.raw`a\\u001b[1mb c`);
  });

  it("builds a view of JSON text only for an escaped ESC, CSI or OSC, not for other \\u00 escapes; the result is the same", () => {
    for (const text of [String.raw`{"t":"caf\u00e9 na\u00efve \u0007 \u001c"}`, String.raw`a\\u001b`, String.raw`\u00`, String.raw`x\u001`]) {
      assert.equal(ansiView(text, "text"), null, text);
    }
    for (const esc of ["\\u001b[1m", "\\u001B[1m", "\\u009b1m", "\\u009B1m", "\\u009d0;t\\u0007", "\\u009D0;t\\u0007"]) {
      const line = `{"t":"caf\\u00e9 ${VALUE.slice(0, 7)}${esc}${VALUE.slice(7)} ${t.github()}"}`;
      assert.equal(ansiView(line, "text")?.text, `{"t":"caf\\u00e9 ${VALUE} ${t.github()}"}`, esc);
      assert.equal(maskText(line, secrets(VALUE)).text, '{"t":"caf\\u00e9 [MASKED:secret] [MASKED:github]"}', esc);
    }
  });
});
