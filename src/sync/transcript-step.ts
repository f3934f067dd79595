// One slice of a transcript on the live store: read, masked and parsed in the reader thread, each
// batch written here as it arrives. Stops (done: false) if a rebuild or restore replaces the
// database meanwhile: the engine tries again after it.
import type { SecretValues } from "../masking/secret-values.js";
import { remaskBatch } from "../projection/remask.js";
import type { SourceFile } from "../projection/sources.js";
import type { ProjectionStore } from "../projection/store.js";
import { prepareCatchUp } from "./catch-up.js";
import type { ImportReport, ImportStep } from "./import-step.js";
import type { TranscriptReader } from "./reader.js";
import { reportBatch } from "./transcript-slice.js";

export async function importTranscriptStep(
  store: ProjectionStore,
  reader: TranscriptReader,
  secrets: SecretValues,
  source: SourceFile,
  opts: { report: ImportReport; budget: number },
): Promise<ImportStep> {
  const p = store.current;
  const prepared = prepareCatchUp(p, source);
  if ("done" in prepared) return prepared;
  const { wm, st, resume } = prepared;
  const step = await reader.read(source, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }, wm, resume, opts.budget, (batch, secretsVersion) => {
    if (store.current !== p || store.rebuilding || store.closed) return false;
    // Something else moved the watermark (a catch-up, another job): refused, and the job with it.
    if (!batch.reset && (p.watermark(source.rel)?.offset ?? 0) !== batch.from) return false;
    // Masked in the reader before a value was learned here: masked with it now, before it is
    // written; the session and importer state (text of earlier jobs) always are.
    const b = remaskBatch(batch, secrets, secretsVersion !== secrets.version);
    p.applyTranscript(source, b.session, b.rows, b.wm, b.reset, b.final);
    reportBatch(opts.report, b);
    return true;
  });
  return store.current === p ? step : { ...step, done: false };
}
