// The transcript reader thread: reads, masks, parses and folds transcript files (the CPU-heavy
// half of an import) and hands the daemon's thread ready-made batches, which it only has to write.
// At most WINDOW batches are in flight: the reader waits for the writer to catch up (Atomics),
// so a big import never piles up in memory.
import { parentPort, workerData } from "node:worker_threads";
import { SecretValues, type SecretsSnapshot } from "../masking/secret-values.js";
import type { Resume } from "../projection/resume.js";
import type { SourceFile } from "../projection/sources.js";
import { readTranscript, type FileStat, type ResumeFrom } from "./transcript-slice.js";

export const WINDOW = 2;

/** [0]: batches the writer has applied; [1]: jobs up to this id are to stop (0: none). */
const shared = new Int32Array(workerData.shared as SharedArrayBuffer);
let secrets = new SecretValues();
let posted = 0;

export type ReaderRequest =
  | { type: "secrets"; snapshot: SecretsSnapshot }
  | { type: "read"; job: number; source: SourceFile; st: FileStat; wm: ResumeFrom; resume: Resume; budget: number };

parentPort!.on("message", (m: ReaderRequest) => {
  if (m.type === "secrets") {
    secrets = SecretValues.from(m.snapshot);
    return;
  }
  try {
    const stopped = () => m.job <= Atomics.load(shared, 1);
    const step = stopped()
      ? { outcome: m.resume.outcome, done: false }
      : readTranscript(m.source, m.st, m.wm, m.resume, secrets, m.budget, (batch) => {
          if (stopped()) return false;
          parentPort!.postMessage({ type: "batch", job: m.job, batch });
          posted++;
          // Wait while the writer is WINDOW batches behind (or until told to stop).
          while (posted - Atomics.load(shared, 0) >= WINDOW && !stopped()) Atomics.wait(shared, 0, Atomics.load(shared, 0), 1000);
          return !stopped();
        });
    parentPort!.postMessage({ type: "end", job: m.job, step });
  } catch (err) {
    parentPort!.postMessage({ type: "error", job: m.job, message: (err as Error).message });
  }
});
