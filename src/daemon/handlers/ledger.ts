// sessions.open, events.append, sessions.close, and the projection's read methods. Session reads
// get their liveness from the supervisor; to a restricted peer (a session's agent, or anyone on
// the agent socket), events.read serves only the agent's own session.
import { methods } from "../../../protocol/index.js";
import type { LedgerService } from "../../ledger/service.js";
import type { ProjectionStore } from "../../projection/store.js";
import type { CallContext } from "../../rpc/context.js";
import { RpcError } from "../../rpc/errors.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";
import type { SessionSupervisor } from "../../sessions/supervisor.js";

export function ledgerBindings(ledger: LedgerService, projection: ProjectionStore, supervisor: SessionSupervisor): Binding[] {
  return [
    bind(methods["sessions.open"], (p) => ledger.openSession(p)),
    bind(methods["events.append"], (p) => ledger.append(p)),
    bind(methods["sessions.close"], (p) => ledger.close(p.session)),
    bind(methods["sessions.list"], async (p) => {
      await supervisor.caughtUp();
      const page = projection.reader.listSessions(p);
      return { ...page, sessions: page.sessions.map((s) => supervisor.withLiveness(s)) };
    }),
    bind(methods["sessions.get"], (p) => supervisor.get(p.session)),
    bind(methods["events.read"], async (p, ctx) => {
      if (ctx.restricted) checkOwnSession(ctx, p.session);
      await supervisor.caughtUp(p.session);
      return projection.reader.readEvents(p, projection.home);
    }),
    bind(methods["audit.list"], (p) => projection.reader.listAudit(p)),
  ];
}

function checkOwnSession(ctx: CallContext, session: string): void {
  const own = ctx.agentSession;
  if (own !== session) {
    throw new RpcError(
      "denied",
      own === null
        ? "events.read is served to restricted peers only for their own session, and this peer belongs to none it can tell"
        : "an agent may read only its own session's events",
      {
        method: "events.read",
      },
    );
  }
}
