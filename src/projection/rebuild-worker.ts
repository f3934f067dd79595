// Worker thread for a live rebuild: imports every source file into a fresh database at
// workerData.path, so the daemon's event loop keeps serving meanwhile.
import { parentPort, workerData } from "node:worker_threads";
import { syncAll } from "./catchup.js";
import { Projection } from "./projection.js";

const { home, path } = workerData as { home: string; path: string };
const p = Projection.open(path);
try {
  const report = syncAll(p, home, (done, total) => parentPort!.postMessage({ type: "progress", done, total }));
  p.db.pragma("wal_checkpoint(TRUNCATE)");
  parentPort!.postMessage({ type: "done", report });
} finally {
  p.close();
}
