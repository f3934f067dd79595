#!/usr/bin/env -S node --
// Entry point for the `warden` command (package.json "bin"); the code lives in dist/ (npm ci builds it).
import("../dist/src/cli/entry.js").catch((err) => {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/src/cli/entry.js")) {
    process.stderr.write("warden: not built yet; run `npm ci` (or `npm run build`) in the warden checkout\n");
  } else {
    process.stderr.write(`warden: ${err?.stack ? err.stack : err}\n`);
  }
  process.exitCode = 1;
});
