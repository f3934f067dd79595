// Worker thread for verify and diff: both read every source file and every projection row, which
// takes seconds on a large archive and must not hold the daemon's event loop. The projection is
// opened read-only (WAL lets it read while the daemon writes). Imported transcripts are compared
// too: read and masked again as the importer would, with the values and digests it masks with now;
// ledger lines holding a value known by digest are masked as catch-up masks them.
import { parentPort, workerData } from "node:worker_threads";
import { SecretValues, type SecretsSnapshot } from "../masking/secret-values.js";
import { SourceMap } from "./source-map.js";
import { diff, verify, type TranscriptCompare } from "./source-rows.js";
import { Projection } from "../projection/projection.js";
import { answer } from "../projection/worker-call.js";
import type { Surface } from "../projection/schema.js";
import type { TranscriptRoot } from "./discover.js";

const { home, path, op, query, host, transcripts, secrets } = workerData as {
  home: string;
  path: string;
  op: "verify" | "diff";
  query: { surface?: Surface | "all"; limit: number; cursor?: string };
  host: string;
  transcripts: TranscriptRoot[];
  /** What import masks with: the values and the digests of values masked before. */
  secrets: SecretsSnapshot;
};
const values = SecretValues.from(secrets);
const imported: TranscriptCompare = {
  files: new SourceMap(home, host, transcripts).discover().sources.filter((s) => s.rel.includes(":")),
  sources: transcripts.map((r) => r.source),
  secrets: values,
};
const p = Projection.open(path, { readonly: true });
try {
  answer(
    (m) => parentPort!.postMessage(m),
    () => (op === "verify" ? verify(home, p.db, query.surface, imported) : diff(home, p.db, query, imported)),
  );
} finally {
  p.close();
}
