// `npm run protocol`: regenerates protocol/openrpc.json and the generated sections of PROTOCOL.md.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageInfo, packageRoot } from "../src/platform/package-info.js";
import { renderOpenRpc, renderProtocolMd } from "./protocol-docs.js";

const dir = join(packageRoot(), "protocol");
const { version } = packageInfo();
writeFileSync(join(dir, "openrpc.json"), renderOpenRpc(version));
const mdPath = join(dir, "PROTOCOL.md");
writeFileSync(mdPath, renderProtocolMd(readFileSync(mdPath, "utf8"), version));
console.log(`wrote ${join(dir, "openrpc.json")} and ${mdPath}`);
