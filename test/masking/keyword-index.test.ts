// The keyword scan (rules.ts keywordIndex): one pass finds every place a rule needs trying, in the
// context its rules require; a keyword several rules share is found where any of them may match.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { regexRule } from "../../src/masking/rule-kit.js";
import { keywordIndex, RULES, RULE_INDEX } from "../../src/masking/rules.js";

const rule = (name: string, keywords: string[], keywordContext?: string) => regexRule(name, keywords, "x", () => true, { family: "test", keywordContext });

/** Every [position, keyword] the scans report, as findRules walks them. */
function found(text: string, index = RULE_INDEX): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const scan of index.scans) {
    scan.lastIndex = 0;
    for (let k = scan.exec(text); k; k = scan.exec(text)) {
      out.push([k.index, k[0]]);
      scan.lastIndex = k.index + 1;
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

describe("the keyword scan", () => {
  it("finds a keyword shared by a rule with a context and one without everywhere, whatever the rules' order", () => {
    for (const rules of [[rule("a", ["tok"], "(?==)"), rule("b", ["tok"])], [rule("b", ["tok"]), rule("a", ["tok"], "(?==)")]]) {
      const index = keywordIndex(rules);
      assert.deepEqual(found("tok tok=", index), [[0, "tok"], [4, "tok"]]);
      assert.deepEqual(index.rulesAt("tok").map((r) => r.name).sort(), ["a", "b"]);
    }
  });

  it("finds a keyword shared by rules with different contexts where either holds", () => {
    const index = keywordIndex([rule("a", ["tok"], "(?==)"), rule("b", ["tok"], "(?=:)")]);
    assert.deepEqual(found("tok tok= tok: tok", index), [[4, "tok"], [9, "tok"]]);
  });

  it("reports the longest keyword whose context holds, and tries there the rules of the shorter ones too", () => {
    const index = keywordIndex([rule("short", ["pass"]), rule("long", ["password"], "(?==)"), rule("upper", ["PASS"])]);
    assert.deepEqual(found("password= password PASS", index), [[0, "password"], [10, "pass"], [19, "PASS"]]);
    assert.deepEqual(index.rulesAt("password").map((r) => r.name).sort(), ["long", "short"]);
  });

  it("finds every keyword of RULES where its context holds", () => {
    for (const r of RULES) {
      for (const k of r.keywords) {
        const text = `. ${k}${r.keywordContext ? "NAME := " : ""}Zq9 `; // a name and an operator: every context of RULES holds
        assert.ok(found(text).some(([at, kw]) => at === 2 && kw.startsWith(k) && RULE_INDEX.rulesAt(kw).includes(r)), `${r.name}: ${k}`);
      }
    }
  });
});
