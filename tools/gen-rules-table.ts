// `npm run rules-table`: regenerates the README's table of masking rules from RULES.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../src/platform/package-info.js";
import { renderReadmeRules } from "./rules-table.js";

const path = join(packageRoot(), "README.md");
writeFileSync(path, renderReadmeRules(readFileSync(path, "utf8")));
console.log(`wrote the rules table in ${path}`);
