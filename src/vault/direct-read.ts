// Reads with no daemon (the CLI's direct mode): each vault opened with keys the caller derives from
// a passphrase, every read through the same read path as the daemon's, and appended to the same
// audit chain the daemon writes (under its flock), with this process as the peer.
import { dirname } from "node:path";
import { AuditLog, type AuditFields } from "../ledger/audit-log.js";
import { loadDaemonKey } from "../masking/masked-digests.js";
import { maskText } from "../masking/masker.js";
import { SecretValues } from "../masking/secret-values.js";
import type { WardenPaths } from "../platform/paths.js";
import { boundProcess, readProcess } from "../platform/proc.js";
import { ensurePrivateDir } from "../platform/secure-dir.js";
import { readDigester } from "./audit-digests.js";
import { wipe } from "./crypto.js";
import type { VaultDoc } from "./format.js";
import { defaultVault, readNow, type ReadAccess, type ReadRequest } from "./read-path.js";
import { findEntry, listEntries } from "./store.js";

export interface OpenedVault {
  doc: VaultDoc;
  path: string;
  /** Wiped once the reads are done. */
  keys: Buffer;
}

/**
 * Reads several secrets, opening each vault once (`open` asks for its passphrase). Every read,
 * allowed or not, is audited with `detail.mode: "direct"`; the keys are wiped before it returns.
 * `onFailed` hears the index of the read that threw.
 */
export async function readDirectly(
  paths: WardenPaths,
  configured: string | undefined,
  reads: ReadRequest[],
  open: (vault: string) => Promise<OpenedVault>,
  onFailed?: (index: number) => void,
): Promise<Array<{ vault: string; name: string; value: string }>> {
  ensurePrivateDir(dirname(paths.audit), { tighten: false });
  // Records only: checkpoints are the daemon's to sign, at its next start (see audit-checkpoints.ts).
  const audit = new AuditLog(paths.audit, paths.host, { hold: false });
  const opened = new Map<string, OpenedVault | { failed: unknown }>();
  const access: ReadAccess = {
    home: paths.home,
    configured,
    unlocked: () => [], // no daemon runs, so no key is held
    digests: readDigester(loadDaemonKey(paths)), // the same digests the daemon records
    entry: (vault, name) => {
      const o = opened.get(vault);
      if (!o || "failed" in o) throw o ? o.failed : new Error(`vault ${vault} was not opened`);
      return findEntry(o.doc, o.keys, name, o.path);
    },
  };
  // This process's argv goes on record masked, like the daemon's peers': every value of each vault
  // opened here (added as it is opened) and the token rules.
  const secrets = new SecretValues();
  const mask = (text: string) => maskText(text, secrets).text;
  const raw = readProcess(process.pid);
  const append = (fields: AuditFields) =>
    audit.append({
      ...fields,
      ...(fields.reason === undefined ? {} : { reason: mask(fields.reason) }),
      ...(fields.caller === undefined ? {} : { caller: mask(fields.caller) }),
      ...(fields.scope === undefined ? {} : { scope: mask(fields.scope) }), // any 128 printable characters: a token fits
      peer: { uid: process.getuid!(), gid: process.getgid!(), pid: process.pid, ...boundProcess(raw, mask) },
      detail: { mode: "direct" },
    });
  // The read path is synchronous: the passphrase of the vault a read will resolve to is asked
  // first. A vault that cannot be opened (or resolved) fails inside the read path, so that
  // refusal is audited like any other.
  const openFor = async (r: ReadRequest): Promise<void> => {
    let vault: string;
    try {
      vault = r.vault || defaultVault(paths.home, configured, []);
    } catch {
      return;
    }
    if (opened.has(vault)) return;
    try {
      const o = await open(vault);
      try {
        for (const e of listEntries(o.doc, o.keys, o.path)) secrets.add(e.value);
      } catch (err) {
        wipe(o.keys);
        throw err;
      }
      opened.set(vault, o);
    } catch (err) {
      opened.set(vault, { failed: err });
    }
  };
  try {
    const out = [];
    for (const [i, r] of reads.entries()) {
      try {
        await openFor(r);
        const { vault, entry } = readNow(r, access, append);
        out.push({ vault, name: entry.name, value: entry.value });
      } catch (err) {
        onFailed?.(i); // which read failed, for a caller that names what it was for
        throw err;
      }
    }
    return out;
  } finally {
    for (const o of opened.values()) if (!("failed" in o)) wipe(o.keys);
    audit.close();
  }
}
