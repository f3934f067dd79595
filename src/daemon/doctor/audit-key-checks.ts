// Doctor's checks of the audit signing key: private/<host>/audit-signing.key (host-local, never
// synced, not rebuildable) and its published verifier key keys/<host>.audit.pub. A lost key is not
// repaired (nothing can bring it back but a backup of this host): the next start begins a new key
// epoch, which verification reports. An exposed one (readable by others) could forge checkpoints.
import { statSync } from "node:fs";
import { readPublished, verifierKeyOf } from "../../ledger/audit-key.js";
import { inspectPath, octal } from "../../platform/secure-dir.js";
import type { CheckResult, DoctorContext } from "./types.js";

export function checkAuditKey(ctx: DoctorContext): CheckResult {
  const name = "audit_signing_key";
  const { auditSigningKey: key, auditPublicKey: pub, auditCheckpoints } = ctx.paths;
  const info = inspectPath(key);
  if (info.kind === "missing") {
    const signed = (statSync(auditCheckpoints, { throwIfNoEntry: false })?.size ?? 0) > 0;
    if (!signed) return { check: { name, state: "ok", message: `${key} not made yet: the daemon makes it at its first start` }, actions: [] };
    return {
      check: {
        name,
        state: "degraded",
        message: `${key} is missing but ${auditCheckpoints} holds checkpoints: the next daemon start begins a new key epoch (an audit_key record, reason key_lost), which verification reports`,
      },
      actions: [
        {
          id: "restore_audit_key",
          risk: "requires_manual_review",
          command: `install -m 600 <backup of this host's audit-signing.key> ${key}`,
          explanation:
            "Restore this host's key from its own backup before the daemon starts (never copy another host's); without one, let the daemon start a new key epoch.",
        },
      ],
    };
  }
  const mine = info.kind === "file" && info.uid === process.getuid!();
  if (!mine || ((info.mode ?? 0) & 0o077) !== 0) {
    const why = !mine
      ? `is a ${info.kind} owned by uid ${info.uid}, not this user's regular file`
      : `is mode ${octal(info.mode)}: others could read it and forge checkpoints`;
    return {
      check: { name, state: "failed", message: `${key} ${why}; the daemon refuses to start` },
      actions: [
        {
          id: "fix_audit_key",
          risk: "requires_manual_review",
          command: mine ? `chmod 600 ${key}` : `ls -l ${key}`,
          explanation: mine
            ? "Make it private. If anyone else could have read it, delete it instead: the next start makes a new key and records a new key epoch."
            : "Replace it with this user's own key file (mode 0600), or remove it so the next start begins a new key epoch.",
        },
      ],
    };
  }
  let verifier: string | null;
  try {
    verifier = verifierKeyOf(ctx.paths);
  } catch (err) {
    return {
      check: { name, state: "failed", message: `${(err as Error).message}` },
      actions: [
        {
          id: "fix_audit_key",
          risk: "requires_manual_review",
          command: `ls -l ${key}`,
          explanation: "Not a 32-byte Ed25519 seed: restore this host's key from its backup, or remove it so the next start begins a new key epoch.",
        },
      ],
    };
  }
  const published = readPublished(pub);
  if (verifier !== null && published !== `${verifier}\n`) {
    return {
      check: {
        name,
        state: "degraded",
        message: `${pub} is ${published === null ? "missing" : "not this host's signing key"}: other hosts and offline verifiers cannot check its checkpoints`,
      },
      actions: [
        {
          id: "publish_audit_key",
          risk: "requires_manual_review",
          command: "warden daemon restart",
          explanation: `The daemon rewrites ${pub} from the private key at start (the private key itself is never copied).`,
        },
      ],
    };
  }
  return { check: { name, state: "ok", message: `${key} (0600), published as ${pub}` }, actions: [] };
}
