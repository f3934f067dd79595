// The native addon (native/warden_native.c), built by node-gyp during `npm ci`.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../package-info.js";
import type { PeerCred } from "../rpc/context.js";

interface NativeAddon {
  peerCred(fd: number): PeerCred;
  /** Non-blocking flock(2): true when taken, false when another open file description holds it. */
  tryFlock(fd: number, exclusive: boolean): boolean;
  /** Drops a flock while keeping the file open. */
  funlock(fd: number): void;
}

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  if (!addon) {
    const path = join(packageRoot(), "build", "Release", "warden_native.node");
    if (!existsSync(path)) throw new Error(`native addon missing at ${path}; run \`npm ci\` (it builds it with node-gyp)`);
    addon = createRequire(import.meta.url)(path) as NativeAddon;
  }
  return addon;
}
