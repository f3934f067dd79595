import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCount, parseDuration } from "../../src/cli/options.js";

describe("parseDuration", () => {
  const good: Array<[string, number]> = [
    ["500ms", 500],
    ["15", 15_000],
    ["15s", 15_000],
    ["2m", 120_000],
    ["8h", 28_800_000],
    ["1.5s", 1500],
    ["1d", 86_400_000],
  ];
  for (const [text, ms] of good) it(`${text} → ${ms} ms`, () => assert.equal(parseDuration(text, "--t"), ms));
  for (const text of ["", "abc", "-1s", "0", "5 parsecs", "1e3", "10x"]) {
    it(`rejects ${JSON.stringify(text)}`, () =>
      assert.throws(
        () => parseDuration(text, "--t"),
        (e: any) => e.kind === "usage",
      ));
  }
});

describe("parseCount", () => {
  it("accepts whole numbers in range", () => assert.equal(parseCount("50", "--limit", 1, 1000), 50));
  for (const text of ["0", "1001", "-1", "2.5", "ten", ""]) {
    it(`rejects ${JSON.stringify(text)}`, () =>
      assert.throws(
        () => parseCount(text, "--limit", 1, 1000),
        (e: any) => e.kind === "usage" && e.details.option === "--limit",
      ));
  }
});
