// sessions.launch, input, resize, kill, archive, snapshot, setScope; events.subscribe and unsubscribe.
import { methods } from "../../../protocol/index.js";
import type { SessionSupervisor } from "../../sessions/supervisor.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";
import { RpcError } from "../../rpc/errors.js";

export function sessionBindings(supervisor: SessionSupervisor): Binding[] {
  return [
    bind(methods["sessions.launch"], (p, ctx) => supervisor.launch(p, ctx)),
    bind(methods["sessions.input"], (p) => supervisor.input(p)),
    bind(methods["sessions.resize"], (p) => supervisor.resize(p)),
    bind(methods["sessions.kill"], (p) => supervisor.kill(p)),
    bind(methods["sessions.archive"], (p) => supervisor.archive(p.session)),
    bind(methods["sessions.snapshot"], (p) => supervisor.snapshot(p)),
    bind(methods["sessions.setScope"], (p, ctx) => {
      // Not an agent method, so the dispatcher refuses agents already; an agent widening its own
      // scope is what this method must never allow, so it is refused here too, by the peer.
      if (ctx.restricted) throw new RpcError("denied", "a session's agent cannot change a credential scope", { method: "sessions.setScope" });
      return supervisor.setScope(p, ctx);
    }),
    bind(methods["events.subscribe"], (p, ctx) => supervisor.hub.subscribe(p.session, p.after, ctx)),
    bind(methods["events.unsubscribe"], (p, ctx) => ({ subscription: p.subscription, removed: supervisor.hub.unsubscribe(p.subscription, ctx) })),
  ];
}
