import type { NotificationName, Notifications, NotificationSpec, NotifyParams } from "../../protocol/index.js";
import type { PeerCred } from "../platform/native.js";

/** A declared notification, by its declaration or its name (typed the same either way, like vscode-jsonrpc's NotificationType). */
export type NotificationRef<N extends NotificationName> = N | NotificationSpec<N, Notifications[N]["params"]>;

/**
 * Who a peer is, decided once when it connects, from its process tree (the composition root's
 * classifier): a person, or an agent of a session warden launched — `session` null when its
 * session cannot be told (it is restricted all the same).
 */
export type PeerRole = { agent: false } | { agent: true; session: string | null };

/** What a handler knows about the call: who is on the other end, and how to reach them. */
export interface CallContext {
  readonly connectionId: number;
  readonly peer: PeerCred;
  /**
   * Only methods declared `agent: true` are served: the peer is a session's agent (on either
   * socket), or it connected to the restricted agent socket. Never lifted for a connection's life.
   */
  readonly restricted: boolean;
  /** The session whose agent the peer is (audit records name it); null for a person, or when unknown. */
  readonly agentSession: string | null;
  /** Sends a notification declared in protocol/ to this connection (dropped if it has closed). */
  notify<N extends NotificationName>(notification: NotificationRef<N>, params: NotifyParams<N>): void;
  /** Bytes queued for this connection and not yet taken by the kernel. */
  backlog(): number;
  /**
   * Resolves once backlog() is at most `below` bytes (or the connection closed). Always yields
   * to the event loop at least once, so a caller looping on it cannot starve the socket.
   */
  drained(below?: number): Promise<void>;
  /** Resolves once the connection has closed. */
  readonly closed: Promise<void>;
  /**
   * Resolves once the client will send nothing more: it closed the connection, or half-closed it
   * (its answers are still written). A call that waits on a person (vault.get with wait) ends then:
   * a peer cannot be told from one that is gone without writing to it.
   */
  readonly hungUp?: Promise<void>;
}
