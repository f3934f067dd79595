// The transcript reader thread: reads, masks, parses and folds transcript files (the CPU-heavy
// half of an import) and hands the daemon's thread ready-made batches, which it only has to write.
// At most WINDOW batches are in flight: the reader waits for the writer to catch up (Atomics),
// so a big import never piles up in memory.
import { statSync } from "node:fs";
import { parentPort, resourceLimits, workerData } from "node:worker_threads";
import { SecretValues, type SecretsSnapshot } from "../masking/secret-values.js";
import type { ImportStep } from "./import-step.js";
import type { Watermark } from "../projection/projection.js";
import { resumePoint, type Resume } from "./resume.js";
import type { SourceFile } from "../projection/sources.js";
import { LineTooBigForHeap } from "./line-cost.js";
import { readTranscript, type FileStat } from "./transcript-slice.js";

export const WINDOW = 2;

/** [0]: batches the writer has applied; [1]: jobs up to this id are to stop (0: none). */
const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
let secrets = new SecretValues();
let posted = 0;
/** This thread's heap limit: no line that could need more than its share is parsed (line-cost.ts). */
const heapBytes = resourceLimits.maxOldGenerationSizeMb ? resourceLimits.maxOldGenerationSizeMb * 1024 * 1024 : undefined;

export type ReaderRequest =
  | { type: "secrets"; snapshot: SecretsSnapshot }
  | { type: "read"; job: number; source: SourceFile; st: FileStat; wm: Watermark | undefined; resume: Resume; budget: number };

type ReadRequest = Extract<ReaderRequest, { type: "read" }>;

/**
 * Where to read from, decided again now that this thread opens the file: it may have been
 * appended to, rewritten or removed since the daemon's stat (a job can wait behind another).
 */
function resumeNow(m: ReadRequest): { st: FileStat; resume: Resume } | ImportStep {
  const st = statSync(m.source.path, { throwIfNoEntry: false });
  if (!st) return { outcome: m.resume.outcome, done: false }; // gone: the next pass marks it missing
  const now = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  if (now.size === m.st.size && now.mtimeMs === m.st.mtimeMs && now.ino === m.st.ino) return { st: now, resume: m.resume };
  const resume = resumePoint(m.source.path, m.source.kind, st, m.wm);
  const wm = m.wm;
  if (resume.outcome === "unchanged" && wm && !wm.missing && wm.offset === now.size && wm.mtime_ms === now.mtimeMs && wm.inode === now.ino)
    return { outcome: "unchanged", done: true };
  return { st: now, resume };
}

parentPort!.on("message", (m: ReaderRequest) => {
  if (m.type === "secrets") {
    secrets = SecretValues.from(m.snapshot);
    return;
  }
  try {
    const stopped = () => m.job <= Atomics.load(shared, 1);
    const from = stopped() ? ({ outcome: m.resume.outcome, done: false } satisfies ImportStep) : resumeNow(m);
    const step =
      "done" in from
        ? from
        : readTranscript(
            m.source,
            from.st,
            m.wm,
            from.resume,
            secrets,
            m.budget,
            (batch) => {
              if (stopped()) return false;
              parentPort!.postMessage({ type: "batch", job: m.job, batch });
              posted++;
              // Wait while the writer is WINDOW batches behind (or until told to stop).
              while (posted - Atomics.load(shared, 0) >= WINDOW && !stopped()) Atomics.wait(shared, 0, Atomics.load(shared, 0), 1000);
              return !stopped();
            },
            heapBytes,
          );
    parentPort!.postMessage({ type: "end", job: m.job, step });
  } catch (err) {
    // The thread ends on it, as if its heap had run out, and the daemon's side counts a death: tried again, then given up.
    if (err instanceof LineTooBigForHeap) throw err;
    parentPort!.postMessage({ type: "error", job: m.job, message: (err as Error).message });
  }
});
