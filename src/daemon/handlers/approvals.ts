// approvals.list, approvals.decide, approvals.subscribe, grants.list, grants.revoke. None is served
// to agents (the dispatcher answers them denied); decide checks again, so that an agent can never
// approve a request, its own or another session's.
import { methods } from "../../../protocol/index.js";
import type { CallContext } from "../../rpc/context.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";
import { RpcError } from "../../rpc/errors.js";
import type { ApprovalService } from "../../vault/approvals/service.js";

export function approvalBindings(approvals: ApprovalService): Binding[] {
  /** Connections with a stream of approval notifications: one each. */
  const watching = new WeakSet<CallContext>();
  return [
    bind(methods["approvals.list"], (p) => ({ requests: approvals.list(p) })),
    bind(methods["approvals.decide"], (p, ctx) => {
      if (ctx.restricted || ctx.agentSession !== null) throw new RpcError("denied", "only a person decides approval requests", { method: "approvals.decide" });
      return approvals.decide(p, { uid: ctx.peer.uid, pid: ctx.peer.pid });
    }),
    bind(methods["approvals.subscribe"], (_p, ctx) => {
      if (!watching.has(ctx)) {
        watching.add(ctx);
        const off = approvals.subscribe((e) =>
          e.type === "requested"
            ? ctx.notify("approvals.requested", { request: e.request })
            : ctx.notify("approvals.decided", { request: e.request, grant: e.grant }),
        );
        void ctx.closed.then(off);
      }
      return { pending: approvals.list({ state: "pending" }) };
    }),
    bind(methods["grants.list"], (p) => ({ grants: approvals.grantsInForce(p) })),
    bind(methods["grants.revoke"], (p) => {
      approvals.revoke(p.grant);
      return { grant: p.grant, revoked: true as const };
    }),
  ];
}
