// Projection operations with the daemon stopped: `warden daemon rebuild --reset-storage` and
// `warden daemon restore <file>`. The same import and checks the daemon uses; the daemon lock is
// held throughout, so no daemon can start halfway.
import type { ResultOf } from "../../protocol/index.js";
import { withLockHeld } from "../platform/lock.js";
import { readDaemonKey, readDigests } from "../masking/masked-digests.js";
import { resolvePaths, type WardenPaths } from "../platform/paths.js";
import { KnownDigests } from "../masking/known-digests.js";
import { ensureRunRoot } from "../platform/secure-dir.js";
import { WardenError } from "../platform/errors.js";
import { SecretValues } from "../masking/secret-values.js";
import { catchUpAll } from "./catch-up.js";
import { verify } from "./source-rows.js";
import { checkDbFile, installCopy, removeDb } from "../projection/files.js";
import { indexNextLedger } from "./ledger-index.js";
import { Projection } from "../projection/projection.js";

function offline<T>(fn: () => T): T {
  const paths = resolvePaths();
  ensureRunRoot(paths);
  return withLockHeld(paths.lock, paths.host, (state) => {
    if (state.state === "running" || state.state === "conflict")
      throw new WardenError("conflict", `the run root's lock is ${state.state}; stop the daemon first`);
    return { result: fn(), removeLock: false };
  });
}

/** Values masked before, by keyed digest: a ledger line written before its value was known stays masked here. */
function knownSecrets(paths: WardenPaths): SecretValues | undefined {
  const key = readDaemonKey(paths);
  if (!key) return undefined;
  const secrets = new SecretValues();
  secrets.useDigests(new KnownDigests(key, readDigests(paths.maskedDigests)));
  return secrets;
}

export function resetStorage(onFile: (done: number, total: number) => void): { files: number; rows: number; verify: ResultOf<"projection.verify"> } {
  return offline(() => {
    const paths = resolvePaths();
    removeDb(paths.projection);
    const p = Projection.open(paths.projection);
    try {
      const secrets = knownSecrets(paths) ?? new SecretValues();
      const report = catchUpAll(p, paths.home, { onFile, secrets });
      // Searchable when the daemon starts, as after a live rebuild (no vault is unlocked here: the rules and the digests mask).
      while (indexNextLedger(p, paths.home, secrets, 64 * 1024 * 1024));
      return { files: report.files, rows: report.rows, verify: verify(paths.home, p.db, "all", undefined, secrets.digests) };
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
      // Caught up as a rebuild is: lines written before their value was known stay masked.
      const caught = catchUpAll(p, paths.home, { secrets: knownSecrets(paths) });
      return { restored: file, caughtUp: { files: caught.files, rows: caught.rows } };
    } finally {
      p.close();
    }
  });
}
