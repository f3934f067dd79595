// The read side of approvals: a read whose verdict is "approve" is served by a grant in force, or
// asks (approval_pending at once, or, with wait, once decided). An approval wakes every read
// waiting on the request; each then looks for the grant again, so a one-read grant serves exactly
// one of them and the others ask anew (and wait on, while their time lasts).
import type { ParamsOf } from "../../../protocol/index.js";
import type { ObservedProcess } from "../../platform/proc.js";
import type { CallContext } from "../../rpc/context.js";
import { RpcError } from "../../rpc/errors.js";
import type { Read } from "../read-path.js";
import type { ApprovalService, Asking } from "./service.js";

export interface WaitOptions {
  /** Hold the call until decided (else approval_pending at once). */
  wait: boolean;
  /** How long to hold at most. */
  waitMs: number;
  /** Resolves when the caller's connection closes: its wait ends, and it is served nothing. */
  closed: Promise<void>;
}

/** The id of the grant that allows the read; else throws approval_pending, approval_denied or approval_expired. */
export async function authorize(approvals: ApprovalService, asking: Asking, opts: WaitOptions): Promise<string> {
  let deadline: number | undefined; // from the first ask: a wait as long as the request's life ends with it, expired
  for (;;) {
    const grant = approvals.use(asking.session, asking.vault, asking.name, asking.holder ?? null);
    if (grant) return grant.id;
    const request = approvals.ask(asking);
    const pending = new RpcError("approval_pending", `reading ${asking.vault}/${asking.name} needs a person's approval (request ${request.id})`, {
      request: request.id,
    });
    deadline ??= Date.now() + opts.waitMs;
    const left = deadline - Date.now();
    if (!opts.wait || left <= 0) throw pending;
    const outcome = await approvals.wait(request.id, left, opts.closed);
    if (outcome === "approved") continue;
    if (outcome === "denied") {
      const reason = approvals.get(request.id)?.denyReason;
      throw new RpcError("approval_denied", `request ${request.id} was denied`, { request: request.id, ...(reason ? { reason } : {}) });
    }
    if (outcome === "expired" || outcome === "gone") throw new RpcError("approval_expired", `request ${request.id} expired undecided`, { request: request.id });
    throw pending; // the wait's time is up, or the daemon stops: the request stays pending
  }
}

/**
 * vault.get's read that needs approval, by the peer `observe` tells (masked): the grant that allows
 * it. `identity`: the peer process's pid:start time (null when it cannot be read), what a request
 * or grant of an agent whose session cannot be told is bound to.
 */
export function approveRead(
  approvals: ApprovalService | undefined,
  read: Read,
  p: ParamsOf<"vault.get">,
  ctx: CallContext,
  observe: () => ObservedProcess,
  mask: (text: string) => string,
  identity: () => string | null,
): string | Promise<string> {
  if (!approvals)
    throw new RpcError("scope_denied", `${read.entry.name} needs approval, and nobody here can give it`, { vault: read.vault, name: read.entry.name });
  const holder = ctx.agentSession === null ? identity() : null;
  const grant = approvals.use(ctx.agentSession, read.vault, read.entry.name, holder);
  if (grant) return grant.id; // the usual case: answered at once, nothing masked nor observed
  const process = observe();
  const limit = approvals.timeoutSecs;
  const asking: Asking = {
    session: ctx.agentSession,
    peer: { uid: ctx.peer.uid, pid: ctx.peer.pid, exe: process.exe, argv: process.argv },
    vault: read.vault,
    name: read.entry.name,
    scope: p.scope === undefined ? null : mask(p.scope), // a session's scope a person set may be a pasted secret
    reason: mask(p.reason),
    holder,
  };
  return authorize(approvals, asking, { wait: p.wait ?? false, waitMs: Math.min(p.waitSecs ?? limit, limit) * 1000, closed: ctx.hungUp ?? ctx.closed });
}
