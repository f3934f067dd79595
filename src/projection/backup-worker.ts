// Worker thread for an online backup: VACUUM INTO from a read-only connection copies one
// consistent snapshot (WAL lets the daemon keep writing meanwhile) into a compact, self-contained
// file, which is then integrity-checked. The copy's writing and fsync, and the check, are all
// off the daemon's event loop.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { checkDbFile } from "./files.js";
import { answer } from "./worker-call.js";

const { source, dest } = workerData as { source: string; dest: string };
answer(
  (m) => parentPort!.postMessage(m),
  () => {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      db.prepare("VACUUM INTO ?").run(dest);
    } finally {
      db.close();
    }
    checkDbFile(dest);
  },
);
