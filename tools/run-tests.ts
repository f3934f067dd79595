// `npm test`: runs every compiled test file under node:test. Files are listed explicitly because
// Node 20 and 22 disagree on how `node --test <dir>` expands directories.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { packageRoot } from "../src/platform/package-info.js";

const root = packageRoot();
const filter = process.argv.slice(2);
const files = (readdirSync(join(root, "dist", "test"), { recursive: true }) as string[])
  .filter((f) => f.endsWith(".test.js"))
  // dist/ is never cleaned by tsc: skip compiled tests whose source was deleted or renamed.
  .filter((f) => existsSync(join(root, "test", f.replace(/\.js$/, ".ts"))))
  .map((f) => join(root, "dist", "test", f))
  .filter((f) => filter.length === 0 || filter.some((p) => relative(root, f).includes(p)))
  .sort();
if (files.length === 0) {
  console.error("no test files found under dist/test (did the build run?)");
  process.exit(1);
}
// A hung test fails after two minutes instead of holding CI; --test-force-exit stops a file whose
// failed test left a handle open.
const args = ["--test", "--test-concurrency=2", "--test-timeout=120000", "--test-force-exit", ...files];
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(result.status ?? 1);
