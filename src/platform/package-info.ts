// The installed package: its root directory (for the native addon and protocol files) and version.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;
let pkg: { name: string; version: string } | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (root = dir);
}

export function packageInfo(): { name: string; version: string } {
  if (!pkg) {
    const { name, version } = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string; version: string };
    pkg = { name, version };
  }
  return pkg;
}
