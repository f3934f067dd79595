// Direct-mode reads: no daemon (or --no-daemon / WARDEN_NO_DAEMON=1). The vault file is opened
// with a passphrase from the terminal (or WARDEN_PASSPHRASE_FILE); the read goes through the same
// read path as the daemon's (default vault, scope policy, audit), appended to the same audit chain.
import { methods } from "../../protocol/index.js";
import { inspectLock } from "../platform/lock.js";
import { WardenError } from "../platform/errors.js";
import { readDirectly } from "../vault/direct-read.js";
import type { ReadRequest } from "../vault/read-path.js";
import { cliContext, openVault } from "./vault-access.js";

/** Reads several secrets, asking once per vault. Every read, allowed or not, is audited. */
export async function readDirect(reads: ReadRequest[], onFailed?: (index: number) => void): Promise<Array<{ vault: string; name: string; value: string }>> {
  const { paths, config } = cliContext();
  for (const r of reads) {
    // The same bounds the daemon's schema enforces (reason length, scope form, names).
    const checked = methods["vault.get"].params.safeParse(r);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new WardenError("usage", `${issue.path.join(".") || "request"}: ${issue.message}`, {
        issues: checked.error.issues.map(({ code, path, message }) => ({ code, path, message })),
      });
    }
  }
  if (inspectLock(paths.lock, paths.host).state === "running") {
    throw new WardenError(
      "conflict",
      "a warden daemon is running and keeps the audit log: read through it (drop --no-daemon / WARDEN_NO_DAEMON), unlocking the vault first if needed",
    );
  }
  return readDirectly(paths, config.vault.default, reads, (vault) => openVault(vault, false), onFailed);
}
