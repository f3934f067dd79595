// The keyword scan (keyword-index.ts, over the native kwScan): one pass finds every place a rule
// needs trying, in the context its rules require; a keyword several rules share is found where any
// of them may match. Checked against the definition, written plainly, on random text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { regexRule } from "../../src/masking/rule-kit.js";
import { keywordIndex, type KeywordIndex } from "../../src/masking/keyword-index.js";
import type { Rule } from "../../src/masking/rule-kit.js";
import { RULES, RULE_INDEX } from "../../src/masking/rules.js";
import { findRules } from "../../src/masking/find.js";

const rule = (name: string, keywords: string[], keywordContext?: string) => regexRule(name, keywords, "x", () => true, { family: "test", keywordContext });

/** Every [position, keyword] the scan reports, as findRules walks them. */
function found(text: string, index: KeywordIndex = RULE_INDEX): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  index.each(text, (k, at) => out.push([at, k]));
  return out;
}

/** The definition: at each position, the longest keyword there whose context (any of its rules') holds. */
function reference(text: string, rules: readonly Rule[]): Array<[number, string]> {
  const keywords = [...new Set(rules.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
  const holds = (k: string, at: number) =>
    rules.some((r) => {
      if (!r.keywords.includes(k)) return false;
      if (!r.keywordContext) return true;
      const context = new RegExp(r.keywordContext, "y");
      context.lastIndex = at + k.length;
      return context.test(text);
    });
  const out: Array<[number, string]> = [];
  for (let at = 0; at < text.length; at++) {
    const k = keywords.find((k) => text.startsWith(k, at) && holds(k, at));
    if (k) out.push([at, k]);
  }
  return out;
}

describe("the keyword scan", () => {
  it("finds a keyword shared by a rule with a context and one without everywhere, whatever the rules' order", () => {
    for (const rules of [
      [rule("a", ["tok"], "(?==)"), rule("b", ["tok"])],
      [rule("b", ["tok"]), rule("a", ["tok"], "(?==)")],
    ]) {
      const index = keywordIndex(rules);
      assert.deepEqual(found("tok tok=", index), [
        [0, "tok"],
        [4, "tok"],
      ]);
      assert.deepEqual(
        index
          .rulesAt("tok")
          .map((r) => r.name)
          .sort(),
        ["a", "b"],
      );
    }
  });

  it("finds a keyword shared by rules with different contexts where either holds", () => {
    const index = keywordIndex([rule("a", ["tok"], "(?==)"), rule("b", ["tok"], "(?=:)")]);
    assert.deepEqual(found("tok tok= tok: tok", index), [
      [4, "tok"],
      [9, "tok"],
    ]);
  });

  it("reports the longest keyword whose context holds, and tries there the rules of the shorter ones too", () => {
    const index = keywordIndex([rule("short", ["pass"]), rule("long", ["password"], "(?==)"), rule("upper", ["PASS"])]);
    assert.deepEqual(found("password= password PASS", index), [
      [0, "password"],
      [10, "pass"],
      [19, "PASS"],
    ]);
    assert.deepEqual(
      index
        .rulesAt("password")
        .map((r) => r.name)
        .sort(),
      ["long", "short"],
    );
  });

  it("finds what the definition finds, on random text made of keywords, names, operators and other chars", () => {
    const keywords = [...new Set(RULES.flatMap((r) => r.keywords))];
    const bits = [
      ...keywords,
      ...keywords.map((k) => k.slice(0, -1)),
      "_NAME",
      "Id",
      " = ",
      ": ",
      "=",
      '"',
      "\\n",
      " ",
      "\n",
      "é",
      "\u0161",
      "\u{1F600}",
      "\u016Bey",
      "x",
      "9",
    ];
    let seed = 12345;
    const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: 1 + next(60) }, () => bits[next(bits.length)]!).join("");
      assert.deepEqual(found(text), reference(text, RULES), JSON.stringify(text));
    }
  });

  it("scans a text with more keyword occurrences than one native call returns, in several calls", () => {
    const text = "token=x ".repeat(10_000) + "ghp_";
    const got = found(text, keywordIndex([rule("a", ["token"], "(?==)"), rule("b", ["ghp_"])]));
    assert.equal(got.length, 10_001);
    assert.deepEqual(got.at(-1), [80_000, "ghp_"]);
  });

  it("tries gated rules only where their gate names them, asking the gate once per occurrence", () => {
    let asked = 0;
    const tried: string[] = [];
    const which = (text: string, at: number) => (asked++, text.slice(at - 3, at));
    const traced = (name: string, key?: string): Rule => ({
      ...rule(name, ["KEY"]),
      ...(key ? { gate: { which, key } } : {}),
      find: () => (tried.push(name), null),
    });
    const index = keywordIndex([traced("plain"), traced("aws", "AWS"), traced("gcp", "GCP")]);
    findRules("AWSKEY, GCPKEY, KEY", index);
    assert.deepEqual(tried, ["plain", "aws", "plain", "gcp", "plain"]);
    assert.equal(asked, 3);
  });

  it("refuses a keyword it cannot scan for (one char, or not ASCII)", () => {
    assert.throws(() => keywordIndex([rule("a", ["k"])]), TypeError);
    assert.throws(() => keywordIndex([rule("a", ["clé"])]), TypeError);
  });

  it("finds every keyword of RULES where its context holds", () => {
    for (const r of RULES) {
      for (const k of r.keywords) {
        // A name and an operator, a user and a colon (curl -u), a name and a value (ENV). A context
        // none of them holds (a Discord id's base64 after MD) is found through the rule's own
        // examples, in the property test (families.test.ts).
        const texts = [`. ${k}NAME := Zq9 `, `. ${k} admin:Zq9 `, `. ${k} NAME Zq9 `, `. ${k}Zq9 `];
        const holds = (t: string) => !r.keywordContext || Object.assign(new RegExp(r.keywordContext, "y"), { lastIndex: 2 + k.length }).test(t);
        const text = texts.find(holds);
        if (text === undefined) continue;
        assert.ok(
          found(text).some(([at, kw]) => at === 2 && kw.startsWith(k) && RULE_INDEX.rulesAt(kw).includes(r)),
          `${r.name}: ${k}`,
        );
      }
    }
  });
});
