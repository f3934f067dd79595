// Projection operations with the daemon stopped: `warden daemon rebuild --reset-storage` and
// `warden daemon restore <file>`. The same import and checks the daemon uses; the daemon lock is
// held throughout, so no daemon can start halfway.
import type { ResultOf } from "../../protocol/index.js";
import { withLockHeld } from "../daemon/lock.js";
import { resolvePaths } from "../daemon/paths.js";
import { ensureRunRoot } from "../daemon/secure-dir.js";
import { WardenError } from "../errors.js";
import { SecretValues } from "../masking/secret-values.js";
import { syncAll } from "./catchup.js";
import { verify } from "./compare.js";
import { checkDbFile, installCopy, removeDb } from "./files.js";
import { indexNextLedger } from "./ledger-index.js";
import { Projection } from "./projection.js";

function offline<T>(fn: () => T): T {
  const paths = resolvePaths();
  ensureRunRoot(paths);
  return withLockHeld(paths.lock, paths.host, (state) => {
    if (state.state === "running" || state.state === "conflict") throw new WardenError("conflict", `the run root's lock is ${state.state}; stop the daemon first`);
    return { result: fn(), removeLock: false };
  });
}

export function resetStorage(onFile: (done: number, total: number) => void): { files: number; rows: number; verify: ResultOf<"projection.verify"> } {
  return offline(() => {
    const paths = resolvePaths();
    removeDb(paths.projection);
    const p = Projection.open(paths.projection);
    try {
      const report = syncAll(p, paths.home, onFile);
      // Searchable when the daemon starts, as after a live rebuild (no vault is unlocked here: the rules mask).
      while (indexNextLedger(p, paths.home, new SecretValues(), 64 * 1024 * 1024));
      return { files: report.files, rows: report.rows, verify: verify(paths.home, p.db) };
    } finally {
      p.close();
    }
  });
}

export function restoreOffline(file: string): ResultOf<"projection.restore"> {
  return offline(() => {
    const paths = resolvePaths();
    checkDbFile(file);
    installCopy(file, paths.projection);
    const p = Projection.open(paths.projection);
    try {
      const caught = syncAll(p, paths.home);
      return { restored: file, caughtUp: { files: caught.files, rows: caught.rows } };
    } finally {
      p.close();
    }
  });
}
