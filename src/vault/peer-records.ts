// The vault's audit records of what a peer did: the peer observed from /proc (executable, argv,
// start time: read once per connection, masked at each record, since a vault unlocked since the
// first call adds values to mask), an agent's session named, and a read's repeats coalesced.
import { AuditCoalescer } from "../ledger/audit-coalesce.js";
import type { AuditFields, AuditLog } from "../ledger/audit-log.js";
import type { Logger } from "../platform/log.js";
import { boundProcess, maskEach, processStartTime, readProcess, type ObservedProcess } from "../platform/proc.js";
import type { CallContext } from "../rpc/context.js";
import type { CredentialScope } from "./policy.js";
import { auditFailed, coalesceKey } from "./read-path.js";

type Observed = ReturnType<typeof readProcess> & { startTime: string | null };

export class PeerRecords {
  private readonly observed = new WeakMap<CallContext, Observed>();
  private readonly coalescer: AuditCoalescer;

  constructor(
    private readonly audit: AuditLog,
    private readonly log: Logger,
    private readonly mask: (text: string) => string,
    /** The credential scope a read by this peer is judged under (coalescing keeps reads under different scopes apart). */
    private readonly scopeOf: (ctx: CallContext) => CredentialScope | null,
  ) {
    this.coalescer = new AuditCoalescer(audit);
  }

  /**
   * Appends the record (null), or with `coalesce`, may count it into its window instead and return
   * a promise of the record that will hold it. Either way, failing to write it is `unavailable`.
   */
  record(ctx: CallContext | null, fields: AuditFields, coalesce = false): Promise<void> | null {
    const failed = (err: unknown) => {
      this.log.error("audit append failed", { event: "audit_failed", error: (err as Error).message });
      return auditFailed("daemon.log");
    };
    try {
      const pending = this.recordOrThrow(ctx, fields, coalesce);
      return pending?.catch((err) => Promise.reject(failed(err))) ?? null;
    } catch (err) {
      throw failed(err);
    }
  }

  /** The peer's process as observed, bounded and masked (an approval request records it). */
  process(ctx: CallContext): ObservedProcess {
    return boundProcess(this.observe(ctx), this.mask);
  }

  /** The peer process as pid:start time (null when its start time cannot be read): a process, not a reused pid. */
  identity(ctx: CallContext): string | null {
    const { startTime } = this.observe(ctx);
    return startTime === null ? null : `${ctx.peer.pid}:${startTime}`;
  }

  /** Repeats waiting for their record get it (and their answer): before the log closes. */
  flush(): void {
    this.coalescer.flushAll();
  }

  private observe(ctx: CallContext): Observed {
    let seen = this.observed.get(ctx);
    if (!seen) this.observed.set(ctx, (seen = { ...readProcess(ctx.peer.pid), startTime: processStartTime(ctx.peer.pid) }));
    return seen;
  }

  private recordOrThrow(ctx: CallContext | null, fields: AuditFields, coalesce: boolean): Promise<void> | null {
    const seen = ctx && this.observe(ctx);
    const build = (): AuditFields => {
      // Declared text too: a reason, caller or scope may quote a secret (a scope is any 128 printable characters: a token fits).
      const [reason, caller, scope] = maskEach([fields.reason ?? "", fields.caller ?? "", fields.scope ?? ""], this.mask);
      const [exe, ...argv] = maskEach([seen?.exe ?? "", ...(seen?.argv ?? [])], this.mask, true);
      const masked = {
        ...fields,
        ...(fields.reason === undefined ? {} : { reason }),
        ...(fields.caller === undefined ? {} : { caller }),
        ...(fields.scope === undefined ? {} : { scope }),
        ...(Array.isArray(fields.detail?.sessionScopes)
          ? { detail: { ...fields.detail, sessionScopes: fields.detail.sessionScopes.map(String).map(this.mask) } }
          : {}),
      };
      if (!ctx || !seen) return { ...masked, detail: { ...masked.detail, by: "daemon" } };
      // An agent's read names its session (observed from the process tree at connect, not declared).
      const session = ctx.agentSession ? { session: ctx.agentSession } : {};
      return {
        ...masked,
        ...session,
        peer: { ...ctx.peer, ...boundProcess({ exe: seen.exe === null ? null : exe!, argv: seen.argv && argv, more: seen.more }) },
      };
    };
    if (!coalesce || !ctx || !seen) {
      this.audit.append(build());
      return null;
    }
    return this.coalescer.record(coalesceKey(ctx.peer.pid, seen.startTime, fields, this.scopeOf(ctx)), build);
  }
}
