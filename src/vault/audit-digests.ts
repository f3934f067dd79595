// The keyed digests a read's audit record carries: of the reason asked (the request) and of the
// value served (the response), HMAC-SHA256 under a subkey of the host's daemon.key, so two reads
// can be shown to have served the same value (or to differ) while a guess at a secret cannot be
// confirmed by hashing it: that takes the key, which never leaves this host. Never the value itself.
import { createHmac } from "node:crypto";
import type { AuditFields } from "../ledger/audit-log.js";

/** The digests of a read: the reason's always, the value's once a value is served (`value` alone when the reason's is known). */
export type ReadDigester = ((reason: string, value?: string) => NonNullable<AuditFields["digests"]>) & { value(value: string): string };

const CONTEXT = "warden audit digest v1";

/** Derives the subkey once (HMAC-SHA256(daemon.key, context)); the daemon and direct mode derive the same. */
export function readDigester(daemonKey: Buffer): ReadDigester {
  const subkey = createHmac("sha256", daemonKey).update(CONTEXT).digest();
  const mac = (text: string) => createHmac("sha256", subkey).update(text, "utf8").digest("hex");
  const digest = (reason: string, value?: string) => (value === undefined ? { reason: mac(reason) } : { reason: mac(reason), value: mac(value) });
  return Object.assign(digest, { value: mac });
}
