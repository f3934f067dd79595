// The README's families table is a contract: it is generated from RULES (npm run rules-table) and
// must be current, so every rule (those added by any family file too) appears in it as it shows.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { marker, RULES } from "../../src/masking/rules.js";
import { packageRoot } from "../../src/platform/package-info.js";
import { renderReadmeRules } from "../../tools/rules-table.js";

const readme = () => readFileSync(join(packageRoot(), "README.md"), "utf8");

describe("README's table of masking rules", () => {
  it("is current (run `npm run rules-table`)", () => {
    const current = readme();
    assert.equal(current, renderReadmeRules(current));
  });

  it("names every rule as masked text shows it, with its family", () => {
    const section = readme().split("<!-- rules:begin")[1]!.split("<!-- rules:end -->")[0]!;
    for (const r of RULES) assert.ok(section.includes(`\n| ${r.family.replace(/\|/g, "\\|")} | \`${marker(r.name)}\` |`), r.name);
  });
});
