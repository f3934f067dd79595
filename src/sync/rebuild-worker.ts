// Worker thread for a live rebuild: syncs every source file (transcripts included) into a fresh
// database at workerData.path, so the daemon's event loop keeps serving meanwhile, and makes the
// search documents of every ledger too: the rebuilt file is searchable the moment it is swapped in.
import { parentPort, workerData } from "node:worker_threads";
import { SecretValues, type SecretsSnapshot } from "../masking/secret-values.js";
import { Projection } from "../projection/projection.js";
import { catchUpAll } from "./catch-up.js";
import type { TranscriptRoot } from "./discover.js";
import { indexNextLedger } from "./ledger-index.js";
import { SourceMap } from "./source-map.js";

const { home, path, host, transcripts, secrets } = workerData as {
  home: string;
  path: string;
  host: string;
  transcripts: TranscriptRoot[];
  secrets: SecretsSnapshot;
};
const values = SecretValues.from(secrets);
const p = Projection.open(path);
try {
  const extra = new SourceMap(home, host, transcripts).discover().sources.filter((s) => s.rel.includes(":"));
  const report = catchUpAll(p, home, { extra, secrets: values, onFile: (done, total) => parentPort!.postMessage({ type: "progress", done, total }) });
  const t0 = performance.now();
  while (indexNextLedger(p, home, values, 64 * 1024 * 1024));
  const indexMs = Math.round(performance.now() - t0);
  p.db.pragma("wal_checkpoint(TRUNCATE)");
  parentPort!.postMessage({ ok: true, result: { report, indexMs } });
} finally {
  p.close();
}
