// The daemon's Unix sockets. Each is bound at a private temporary path, chmod 0600 and renamed
// into place, so no client ever sees it with wider permissions. Every connection's peer uid is
// read with SO_PEERCRED: another user (root aside) is refused with `peer_denied`, whatever the
// file modes say.
//
// Rights follow the peer, not the socket: the composition root's classifier tells, at accept, a
// person from a session's agent (by the process tree; sessions/peer-session.ts). An agent gets
// only the agent allowance on either socket, and so does anyone on the agent socket. The answer
// is kept for the connection's life and never re-asked: by a later request the peer pid may be
// gone, or reused by another process, so only the accept-time answer is trustworthy, and a
// connection never gains rights. Agents have their own connection limits, total and per session,
// so connections they hold can never lock a person out.
import { chmodSync, lstatSync, renameSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { basename, dirname, join } from "node:path";
import { WardenError } from "../platform/errors.js";
import type { ConnectionLimits } from "../rpc/connection.js";
import { RpcConnection } from "../rpc/connection.js";
import type { PeerCred } from "../platform/native.js";
import type { PeerRole } from "../rpc/context.js";
import type { Dispatcher } from "../rpc/dispatcher.js";
import { RpcError, errorResponse } from "../rpc/errors.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/log.js";
import { native } from "../platform/native.js";
import { MAX_SOCKET_PATH_BYTES } from "../platform/paths.js";
import { inspectPath } from "../platform/secure-dir.js";

export interface Endpoint {
  path: string;
  /** Restricted sockets serve only methods declared `agent: true`, to everyone. */
  restricted: boolean;
}

export interface SocketServerOptions {
  dispatcher: Dispatcher;
  limits: ConnectionLimits;
  /** People's connections (not agents'). */
  maxConnections: number;
  /** Connections of agents (and of anyone on a restricted socket), all sessions together. */
  maxAgentConnections: number;
  /** Connections of one session's agents. */
  maxConnectionsPerSession: number;
  /** Who a peer is. Default: a person (only the socket restricts). */
  classify?: (peer: PeerCred) => PeerRole;
  log: Logger;
  /** The uid whose processes may connect. Default: the daemon's own. */
  allowedUid?: number;
  /** Whether root's processes may connect too. Default: yes. */
  allowRoot?: boolean;
}

/** The connection limits of config `server`, as SocketServerOptions take them. */
export function serverLimits(s: Config["server"]): Pick<SocketServerOptions, "maxConnections" | "maxAgentConnections" | "maxConnectionsPerSession" | "limits"> {
  return {
    maxConnections: s.maxConnections,
    maxAgentConnections: s.maxAgentConnections,
    maxConnectionsPerSession: s.maxConnectionsPerSession,
    limits: {
      maxLineBytes: s.maxLineBytes,
      maxBatch: s.maxBatch,
      maxOutputBytes: s.maxClientBufferBytes,
      outputHighWaterBytes: s.clientHighWaterBytes,
      stallMs: s.clientStallMs,
      lineIdleMs: s.lineIdleMs,
    },
  };
}

export class SocketServer {
  private readonly listeners: Array<{ server: Server; endpoint: Endpoint; ino: number }> = [];
  private readonly connections = new Set<RpcConnection>();
  private people = 0;
  private agents = 0;
  private readonly perSession = new Map<string, number>();
  private readonly uid: number;
  private nextId = 1;
  private accepting = true;

  constructor(private readonly opts: SocketServerOptions) {
    this.uid = opts.allowedUid ?? process.getuid!();
  }

  get live(): number {
    return this.connections.size;
  }

  get total(): number {
    return this.nextId - 1;
  }

  /** Whether a socket of this kind (restricted: the agent socket) is accepting connections. */
  listening(restricted: boolean): boolean {
    return this.accepting && this.listeners.some((l) => l.endpoint.restricted === restricted && l.server.listening);
  }

  async listen(endpoint: Endpoint): Promise<void> {
    const { path } = endpoint;
    // Bound first at a private temporary name in the same (0700) directory, then renamed over.
    const tmp = join(dirname(path), `.${basename(path)}.tmp`);
    const bytes = Buffer.byteLength(tmp);
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      const over = bytes - MAX_SOCKET_PATH_BYTES;
      throw new WardenError(
        "socket_path_too_long",
        `socket path ${path} is ${over} byte(s) too long for a Unix socket; set WARDEN_HOME (or WARDEN_HOST) shorter`,
        { path },
      );
    }
    const existing = inspectPath(path);
    if (existing.kind !== "missing" && existing.kind !== "socket") {
      throw new WardenError("unsafe_path", `refusing to start: ${path} is a ${existing.kind}, not a socket; move it away`, { path });
    }
    // We hold the lock, but someone may have deleted the lock file of a daemon still serving here.
    if (existing.kind === "socket" && (await accepts(path))) {
      throw new WardenError("already_running", `another daemon is serving on ${path} (its lock file was removed?); refusing to replace it`, { path });
    }
    unlinkIfPresent(tmp); // left by a daemon killed mid-start; we hold the lock
    const server = createServer({ allowHalfOpen: true, highWaterMark: this.opts.limits.outputHighWaterBytes }, (socket) => this.accept(socket, endpoint));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(tmp, () => {
        server.off("error", reject);
        resolve();
      });
    });
    try {
      chmodSync(tmp, 0o600);
      renameSync(tmp, path); // atomically replaces a stale socket
    } catch (err) {
      server.close();
      unlinkIfPresent(tmp);
      throw err;
    }
    server.on("error", (err) => this.opts.log.error("socket server error", { socket: path, error: err.message }));
    this.listeners.push({ server, endpoint, ino: lstatSync(path).ino });
  }

  /**
   * Graceful stop: remove the sockets so nobody new connects, answer new requests on open
   * connections with `shutting_down`, give in-flight requests up to `graceMs` to be answered,
   * write every queued reply, and close the connections.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.accepting = false;
    for (const { server, endpoint, ino } of this.listeners.splice(0)) {
      // Only our own socket file: never one a later daemon has put at the same path.
      if (inspectIno(endpoint.path) === ino) unlinkIfPresent(endpoint.path);
      server.close();
    }
    this.opts.dispatcher.refuseNew();
    await Promise.all([...this.connections].map((c) => c.end(graceMs)));
  }

  private accept(socket: Socket, endpoint: Endpoint): void {
    if (!this.accepting) return void socket.destroy();
    let peer: PeerCred;
    try {
      peer = native().peerCred(socketFd(socket));
    } catch (err) {
      this.opts.log.warn("connection refused: cannot read peer credentials", {
        event: "connection_refused",
        reason: "peer_unknown",
        error: (err as Error).message,
      });
      return refuse(socket, new RpcError("peer_denied", "cannot verify the connecting process"));
    }
    if (peer.uid !== this.uid && !(peer.uid === 0 && (this.opts.allowRoot ?? true))) {
      this.opts.log.warn("connection refused: peer runs as another user", { event: "connection_refused", reason: "peer_uid", peer, socket: endpoint.path });
      return refuse(socket, new RpcError("peer_denied", `uid ${peer.uid} may not use this daemon (it serves uid ${this.uid})`, { uid: peer.uid }));
    }
    const role: PeerRole = this.opts.classify?.(peer) ?? { agent: false };
    const session = role.agent ? role.session : null;
    const restricted = endpoint.restricted || role.agent;
    const full = this.atLimit(restricted, session);
    if (full) {
      this.opts.log.warn(`connection refused: ${full.limit} reached`, { event: "connection_refused", reason: snake(full.limit), peer, session, max: full.max });
      return refuse(
        socket,
        new RpcError("too_many_connections", `the daemon is at its limit of ${full.max} connections (${full.limit})`, {
          ...full,
          ...(session ? { session } : {}),
        }),
      );
    }
    const id = this.nextId++;
    const conn = new RpcConnection(id, socket, peer, { restricted, agentSession: session }, this.opts.dispatcher, this.opts.limits, this.opts.log);
    this.count(restricted, session, +1);
    this.connections.add(conn);
    this.opts.log.debug("connection opened", { connection: id, peer, restricted, session });
    void conn.closed.then(() => {
      this.connections.delete(conn);
      this.count(restricted, session, -1);
      this.opts.log.debug("connection closed", { connection: id });
    });
  }

  private atLimit(restricted: boolean, session: string | null): { limit: string; max: number } | null {
    const o = this.opts;
    if (!restricted) return this.people >= o.maxConnections ? { limit: "maxConnections", max: o.maxConnections } : null;
    if (this.agents >= o.maxAgentConnections) return { limit: "maxAgentConnections", max: o.maxAgentConnections };
    if ((this.perSession.get(session ?? UNKNOWN_SESSION) ?? 0) >= o.maxConnectionsPerSession) {
      return { limit: "maxConnectionsPerSession", max: o.maxConnectionsPerSession };
    }
    return null;
  }

  private count(restricted: boolean, session: string | null, delta: 1 | -1): void {
    if (!restricted) return void (this.people += delta);
    this.agents += delta;
    const key = session ?? UNKNOWN_SESSION;
    const n = (this.perSession.get(key) ?? 0) + delta;
    if (n > 0) this.perSession.set(key, n);
    else this.perSession.delete(key);
  }
}

/**
 * Agents whose session cannot be told (a setsid escapee, anyone on agent.sock from outside a
 * session) count as one session: otherwise one escapee could hold every agent connection.
 */
const UNKNOWN_SESSION = "";

/** maxAgentConnections → max_agent_connections: log reasons are snake_case. */
function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function refuse(socket: Socket, error: RpcError): void {
  socket.on("error", () => {});
  socket.end(errorResponse(null, error.toWire()) + "\n");
  setTimeout(() => socket.destroy(), 1000).unref();
}

function socketFd(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) throw new Error("socket has no file descriptor");
  return fd;
}

/** Whether something accepts connections on the Unix socket at `path`. */
function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once("connect", () => (probe.destroy(), resolve(true)));
    probe.once("error", () => resolve(false));
  });
}

function inspectIno(path: string): number | null {
  try {
    return lstatSync(path).ino;
  } catch {
    return null;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
