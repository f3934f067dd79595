// ping, health, status, shutdown, rpc.discover.
import { API_VERSION, methods, notificationList, type AnyMethod, type ResultOf } from "../../../protocol/index.js";
import { buildOpenRpc } from "../../../protocol/openrpc.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";
import { RpcError } from "../../rpc/errors.js";

export type DaemonInfo = ResultOf<"health">["daemon"];

export interface CoreDeps {
  info: DaemonInfo;
  binary: { name: string; version: string };
  maxConnections: number;
  stats(): { live: number; total: number; served: number; inFlight: number; stopping: boolean };
  requestStop(reason: string): void;
  /** The methods this daemon serves, for rpc.discover. */
  served(): readonly AnyMethod[];
  projection?(): ResultOf<"status">["projection"];
  /** Whether the restricted agent.sock is listening. */
  agentSocket?(): boolean;
  /** Whether the sync engine is running (started, not closed). */
  syncRunning?(): boolean;
  /** Sessions a shutdown would kill. */
  liveSessions?(): Array<{ id: string; title: string; pid: number; mode: "pty" | "task" }>;
}

/** Each flag from what this daemon serves now: its bound methods, its sockets, its engine. */
export function capabilitiesOf(deps: Pick<CoreDeps, "served" | "agentSocket" | "syncRunning">): ResultOf<"health">["capabilities"] {
  const names = new Set(deps.served().map((m) => m.name));
  const all = (...methods: string[]) => methods.every((m) => names.has(m));
  return {
    batch: true, // the framing layer takes batches on every connection (server.maxBatch >= 1)
    notifications: all("events.subscribe"), // the only way a client asks for notifications
    discover: all("rpc.discover"),
    agentSocket: deps.agentSocket?.() ?? false,
    vault: all("vault.unlock", "vault.get"),
    ledger: all("sessions.open", "events.append"),
    projection: all("projection.rebuild", "projection.verify"),
    sessions: all("sessions.launch", "sessions.input"),
    sync: all("sync.status", "search.query") && (deps.syncRunning?.() ?? false),
  };
}

export function coreBindings(deps: CoreDeps): Binding[] {
  const started = Date.now();
  const health = (): ResultOf<"health"> => ({ apiVersion: API_VERSION, binary: deps.binary, daemon: deps.info, capabilities: capabilitiesOf(deps) });
  let openrpc: ReturnType<typeof buildOpenRpc> | undefined;
  return [
    bind(methods.ping, () => ({ pong: true as const })),
    bind(methods.health, health),
    bind(methods.status, () => {
      const s = deps.stats();
      const mem = process.memoryUsage();
      return {
        ...health(),
        state: s.stopping ? ("shutting_down" as const) : ("running" as const),
        uptimeSecs: Math.round((Date.now() - started) / 10) / 100,
        connections: { live: s.live, max: deps.maxConnections, total: s.total },
        requests: { served: s.served, inFlight: s.inFlight },
        memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
        projection: deps.projection?.(),
      };
    }),
    bind(methods.shutdown, ({ reason, killSessions }, ctx) => {
      const live = deps.liveSessions?.() ?? [];
      if (live.length > 0 && !killSessions) {
        const list = live.map((s) => `  ${s.id}  ${s.title}  pid ${s.pid}`).join("\n");
        throw new RpcError(
          "sessions_running",
          `${live.length} live session(s) would be killed; end them first, or stop with killSessions (--kill-sessions):\n${list}`,
          { sessions: live },
        );
      }
      deps.requestStop(reason ?? `shutdown requested by pid ${ctx.peer.pid}`);
      return { stopping: true as const, pid: process.pid };
    }),
    bind(methods["rpc.discover"], () => (openrpc ??= buildOpenRpc(deps.served(), deps.binary.version, notificationList)) as ResultOf<"rpc.discover">),
  ];
}
