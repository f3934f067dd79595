// `npm ci` / `npm install` hook: builds native/warden_native.c with node-gyp. When this Node's own
// headers are installed beside it (Debian's nodejs puts them in /usr/include/node), build against
// them, so no machine needs to download headers from nodejs.org — that fails offline.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

const args = ["rebuild"];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node_api.h"))) {
  args.push(`--nodedir=${prefix}`);
}
// npm puts its bundled node-gyp on PATH for lifecycle scripts and names it here.
const gyp = process.env.npm_config_node_gyp;
const [cmd, cmdArgs] = gyp ? [process.execPath, [gyp, ...args]] : ["node-gyp", args];
const result = spawnSync(cmd, cmdArgs, { stdio: "inherit" });
if (result.error) console.error(`warden: cannot run node-gyp (${result.error.message}); it ships with npm`);
process.exit(result.status ?? 1);
