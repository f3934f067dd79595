// Worker thread for verify and diff: both read every source file and every projection row, which
// takes seconds on a large archive and must not hold the daemon's event loop. The projection is
// opened read-only (WAL lets it read while the daemon writes).
import { parentPort, workerData } from "node:worker_threads";
import { KnownDigests } from "../masking/known-digests.js";
import type { SecretsSnapshot } from "../masking/secret-values.js";
import { diff, verify } from "./compare.js";
import { Projection } from "./projection.js";
import type { Surface } from "./schema.js";

const { home, path, op, query, digests } = workerData as {
  home: string;
  path: string;
  op: "verify" | "diff";
  query: { surface?: Surface | "all"; limit: number; cursor?: string };
  digests?: SecretsSnapshot["digests"];
};
const known = digests ? new KnownDigests(Buffer.from(digests.key), digests.entries) : null;
const p = Projection.open(path, { readonly: true });
try {
  parentPort!.postMessage({ ok: true, result: op === "verify" ? verify(home, p.db, query.surface, known) : diff(home, p.db, query, known) });
} catch (err) {
  const e = err as Error & { kind?: string; details?: unknown };
  parentPort!.postMessage({ ok: false, error: { message: e.message, kind: e.kind, details: e.details } });
} finally {
  p.close();
}
