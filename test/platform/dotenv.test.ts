// The env-file parser (issue 15): dotenv syntax without a shell.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDotenv } from "../../src/platform/dotenv.js";
import { WardenError } from "../../src/platform/errors.js";

function failure(text: string): { line: unknown; reason: unknown; message: string } {
  try {
    parseDotenv(text, "test.env");
  } catch (err) {
    assert.ok(err instanceof WardenError, String(err));
    assert.equal(err.kind, "usage");
    return { line: err.details.line, reason: err.details.reason, message: err.message };
  }
  assert.fail("expected a WardenError");
}

describe("parseDotenv", () => {
  const valid: Array<[string, string, Array<[string, string]>]> = [
    ["empty file", "", []],
    ["blank lines and comments", "\n  \n# c\n   # indented\n\t\n", []],
    ["a plain pair", "A=1", [["A", "1"]]],
    [
      "several pairs in order",
      "B=2\nA=1\n_x9=3\n",
      [
        ["B", "2"],
        ["A", "1"],
        ["_x9", "3"],
      ],
    ],
    [
      "an empty value",
      "A=\nB=''\nC=\"\"",
      [
        ["A", ""],
        ["B", ""],
        ["C", ""],
      ],
    ],
    ["spaces around = and the value", "  A = hello world  \n", [["A", "hello world"]]],
    [
      "an export prefix",
      "export A=1\nexport\tB=2\n  export   C = 3",
      [
        ["A", "1"],
        ["B", "2"],
        ["C", "3"],
      ],
    ],
    ["a key named export", "export=1", [["export", "1"]]],
    [
      "a comment after an unquoted value",
      "A=value # note\nB=v\t#tab note",
      [
        ["A", "value"],
        ["B", "v"],
      ],
    ],
    [
      "# without whitespace before it is data",
      "A=a#b\nB=#x\nC=url#frag",
      [
        ["A", "a#b"],
        ["B", "#x"],
        ["C", "url#frag"],
      ],
    ],
    ["a comment as the whole value", "A= # note", [["A", ""]]],
    ["= inside a value", "A=a=b==c", [["A", "a=b==c"]]],
    ["single quotes are literal", "A='x \\n $(y) ${Z} \"q\" #h'", [["A", 'x \\n $(y) ${Z} "q" #h']]],
    ["double-quote escapes", 'A="l1\\nl2\\tt\\\\b\\"q\\r"', [["A", 'l1\nl2\tt\\b"q\r']]],
    ["unknown escapes are kept", 'A="C:\\dir\\x\\$HOME"', [["A", "C:\\dir\\x\\$HOME"]]],
    [
      "# inside quotes is data",
      "A='a # b'\nB=\"c # d\" # real comment",
      [
        ["A", "a # b"],
        ["B", "c # d"],
      ],
    ],
    [
      "spaces kept inside quotes",
      "A='  x  '\nB=\"  y  \"  ",
      [
        ["A", "  x  "],
        ["B", "  y  "],
      ],
    ],
    [
      "no command substitution or expansion",
      'A=$(rm -rf /)\nB=${HOME}\nC=`id`\nD="$(x) ${Y} $Z"',
      [
        ["A", "$(rm -rf /)"],
        ["B", "${HOME}"],
        ["C", "`id`"],
        ["D", "$(x) ${Y} $Z"],
      ],
    ],
    [
      "a multi-line double-quoted value",
      'K="-----BEGIN-----\nabc\n-----END-----"\nN=1',
      [
        ["K", "-----BEGIN-----\nabc\n-----END-----"],
        ["N", "1"],
      ],
    ],
    ["a multi-line single-quoted value", "K='a\n\nb # c'\n", [["K", "a\n\nb # c"]]],
    ["an escaped quote does not close", 'A="a\\"\nb"', [["A", 'a"\nb']]],
    [
      "the other quote inside quotes",
      'A="it\'s"\nB=\'say "hi"\'',
      [
        ["A", "it's"],
        ["B", 'say "hi"'],
      ],
    ],
    [
      "CRLF line endings",
      "A=1\r\n# c\r\nB='x'\r\nC=\"m\r\nn\"\r\n",
      [
        ["A", "1"],
        ["B", "x"],
        ["C", "m\nn"],
      ],
    ],
    ["a leading BOM", "\uFEFFA=1", [["A", "1"]]],
    [
      "later duplicates win, first position kept",
      "A=1\nB=2\nA=3",
      [
        ["A", "3"],
        ["B", "2"],
      ],
    ],
    ["a warden reference stays text", "DB=warden://prod/DB_PASSWORD", [["DB", "warden://prod/DB_PASSWORD"]]],
    ["unicode values", "A=café 日本", [["A", "café 日本"]]],
  ];
  for (const [what, text, expected] of valid) {
    it(`parses ${what}`, () => {
      assert.deepEqual(parseDotenv(text), expected);
    });
  }

  const invalid: Array<[string, string, number, string]> = [
    ["a line without =", "A=1\nJUSTTEXT\n", 2, "no_equals"],
    ["export without =", "export A", 1, "no_equals"],
    ["an empty key", "=1", 1, "bad_key"],
    ["a key starting with a digit", "\n1A=1", 2, "bad_key"],
    ["a key with a dash", "A-B=1", 1, "bad_key"],
    ["a key with a space", "A B=1", 1, "bad_key"],
    ["a key with a dot", "a.b=1", 1, "bad_key"],
    ["a too long key", `${"K".repeat(129)}=1`, 1, "bad_key"],
    ["an unterminated double quote", 'A=1\nB="open\nC=2\n', 2, "unterminated_quote"],
    ["an unterminated single quote", "A='open", 1, "unterminated_quote"],
    ["a double quote closed only by an escaped one", 'A="x\\"', 1, "unterminated_quote"],
    ["an unterminated quote with CRLF", "A=1\r\n\r\nB='x\r\n", 3, "unterminated_quote"],
    ["text after the closing quote", "A='x'y", 1, "text_after_quote"],
    ["text after a multi-line value, on its last line", 'A="x\ny" z', 2, "text_after_quote"],
    ["a NUL in a value", "A=a\0b", 1, "nul"],
  ];
  for (const [what, text, line, reason] of invalid) {
    it(`rejects ${what} naming line ${line}`, () => {
      const f = failure(text);
      assert.deepEqual([f.line, f.reason], [line, reason]);
    });
  }

  it("never puts a value in an error", () => {
    for (const text of ["A='s3cr3t-value", "A='s3cr3t-value'tail", 'A="s3cr3t-value\\"', "A=s3cr3t-value\0"]) {
      assert.doesNotMatch(failure(text).message, /s3cr3t/);
    }
  });
});
