// `npm run bench`: runs every benchmark, prints one table, writes bench/results/<name>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { auditBench } from "./audit.js";
import { foundationBench } from "./foundation.js";
import { ledgerBench } from "./ledger.js";
import { root, type Row } from "./lib.js";
import { maskingBench } from "./masking.js";
import { sessionsBench } from "./sessions.js";
import { syncBench } from "./sync.js";
import { vaultBench } from "./vault.js";

const suites: Record<string, (log: (l: string) => void) => Promise<Row[]>> = {
  foundation: foundationBench,
  vault: vaultBench,
  audit: auditBench,
  ledger: ledgerBench,
  sessions: sessionsBench,
  masking: maskingBench,
  sync: syncBench,
};

const only = process.argv.slice(2);
const all: Array<Row & { suite: string }> = [];
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.error(`bench ${name}`);
  const rows = await run((l) => console.error(l));
  all.push(...rows.map((r) => ({ ...r, suite: name })));
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const meta = { when: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...meta, rows }, null, 2) + "\n");
}

const fmt = (n: number | null) => (n === null ? "" : n >= 1000 ? Math.round(n).toLocaleString("en-US") : String(n));
const header = ["suite", "metric", "warden", "floor", "floor is", "ratio", "target", ""];
const table = all.map((r) => [
  r.suite,
  r.metric,
  fmt(r.warden),
  fmt(r.floor),
  r.floorName,
  r.ratio === null ? "" : `${r.ratio}x`,
  r.target,
  r.ok ? "ok" : "MISS",
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
for (const line of [header, widths.map((w) => "-".repeat(w)), ...table]) console.log(line.map((c, i) => c.padEnd(widths[i]!)).join("  "));
