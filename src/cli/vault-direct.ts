// Direct-mode reads: no daemon (or --no-daemon / WARDEN_NO_DAEMON=1). The vault file is opened
// with a passphrase from the terminal (or WARDEN_PASSPHRASE_FILE), the same scope policy applies,
// and the read is appended to the same audit chain the daemon writes, under its flock.
import { ensurePrivateDir } from "../platform/secure-dir.js";
import { boundProcess, readProcess } from "../platform/proc.js";
import { AuditLog, type AuditFields } from "../ledger/audit-log.js";
import { maskText } from "../masking/masker.js";
import { SecretValues } from "../masking/secret-values.js";
import { RpcError } from "../rpc/errors.js";
import { wipe } from "../vault/crypto.js";
import { checkScope } from "../vault/policy.js";
import { findEntry, listEntries, listVaults } from "../vault/store.js";
import { cliContext, defaultVault, openVault } from "./vault-access.js";
import { dirname } from "node:path";
import { methods } from "../../protocol/index.js";
import { inspectLock } from "../platform/lock.js";
import { WardenError } from "../platform/errors.js";

export interface DirectRead {
  vault?: string;
  name: string;
  scope?: string;
  reason: string;
  caller?: string;
}

/** Reads several secrets, asking once per vault. Every read, allowed or not, is audited. */
export async function readDirect(reads: DirectRead[]): Promise<Array<{ vault: string; name: string; value: string }>> {
  const { paths, config } = cliContext();
  for (const r of reads) {
    // The same bounds the daemon's schema enforces (reason length, scope form, names).
    const checked = methods["vault.get"].params.safeParse(r);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new WardenError("usage", `${issue.path.join(".") || "request"}: ${issue.message}`, { issues: checked.error.issues.map(({ code, path, message }) => ({ code, path, message })) });
    }
  }
  if (inspectLock(paths.lock, paths.host).state === "running") {
    throw new WardenError("conflict", "a warden daemon is running and keeps the audit log: read through it (drop --no-daemon / WARDEN_NO_DAEMON), unlocking the vault first if needed");
  }
  ensurePrivateDir(dirname(paths.audit), { tighten: false });
  const audit = new AuditLog(paths.audit, paths.host, { hold: false });
  const opened = new Map<string, Awaited<ReturnType<typeof openVault>>>();
  // This process's argv goes on record masked, like the daemon's peers': every value of each vault
  // opened here (added as it is opened) and the token rules.
  const secrets = new SecretValues();
  const raw = readProcess(process.pid);
  const mask = (text: string) => maskText(text, secrets).text;
  try {
    const out = [];
    for (const r of reads) {
      const vault = r.vault ?? defaultVault(paths, config, listVaults(paths.home));
      const fields: AuditFields = { action: "get", outcome: "ok", vault, name: r.name, scope: r.scope, reason: r.reason, caller: r.caller, detail: { mode: "direct" } };
      const observed = () => ({
        reason: mask(r.reason),
        ...(r.caller === undefined ? {} : { caller: mask(r.caller) }),
        peer: { uid: process.getuid!(), gid: process.getgid!(), pid: process.pid, ...boundProcess(raw, mask) },
      });
      try {
        let open = opened.get(vault);
        if (!open) {
          opened.set(vault, (open = await openVault(vault, false)));
          for (const e of listEntries(open.doc, open.keys, open.path)) secrets.add(e.value);
        }
        const entry = findEntry(open.doc, open.keys, r.name, open.path);
        if (!entry) throw new RpcError("not_found", `vault ${vault} has no entry ${JSON.stringify(r.name)}`, { vault, name: r.name });
        checkScope(entry, r.scope, vault);
        audit.append({ ...fields, ...observed() });
        out.push({ vault, name: entry.name, value: entry.value });
      } catch (err) {
        const kind = (err as { kind?: string }).kind ?? "internal";
        audit.append({ ...fields, ...observed(), outcome: kind === "scope_denied" ? "denied" : "error", kind });
        throw err;
      }
    }
    return out;
  } finally {
    for (const o of opened.values()) wipe(o.keys);
    audit.close();
  }
}
