// A small JSON-RPC client over the Unix socket. Typed from protocol/ with type-only imports, so
// the CLI's hot path loads neither zod nor the schemas: `warden ping` must start nearly as fast as
// bare Node.
import { connect, type Socket } from "node:net";
import type { MethodName, NotificationName, NotificationParams, ParamsOf, ResultOf, WireError } from "../../protocol/index.js";
import type { NotificationRef } from "./context.js";
import { WardenError } from "../platform/errors.js";
import { LineSplitter } from "./framing.js";

/** An error the daemon answered with. `kind` is `data.kind`: branch on it, not on the message. */
export class RemoteError extends Error {
  readonly code: number;
  readonly kind: string;
  readonly data: Record<string, unknown>;

  constructor(error: WireError) {
    super(error.message);
    this.name = "RemoteError";
    this.code = error.code;
    this.data = error.data ?? { kind: "unknown" };
    this.kind = String(this.data.kind ?? "unknown");
  }
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout | undefined };

export interface ClientOptions {
  /** Give up connecting after this long (default 5 s). */
  connectTimeoutMs?: number;
  /**
   * Give up on a reply after this long (default: wait forever). A daemon whose event loop is stuck
   * still accepts connections (the kernel queues them), so callers that diagnose set this.
   */
  callTimeoutMs?: number;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Notification listeners by notification name. */
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private readonly closeListeners = new Set<(error: Error) => void>();
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
    private readonly callTimeoutMs: number | undefined,
  ) {
    const splitter = new LineSplitter(1 << 30, {
      line: (bytes) => {
        let message;
        try {
          message = JSON.parse(bytes.toString("utf8"));
        } catch {
          return this.fail(
            new WardenError("unavailable", `${socketPath} answered with something that is not JSON; is it a warden socket?`, { socket: socketPath }),
          );
        }
        this.onMessage(message);
      },
      oversize: () => this.fail(new Error("reply line too long")),
    });
    socket.on("data", (chunk: Buffer) => splitter.push(chunk));
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new WardenError("unavailable", `the daemon closed the connection on ${socketPath}`, { socket: socketPath })));
  }

  static connect(socketPath: string, opts: ClientOptions = {}): Promise<RpcClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new WardenError("timeout", `no answer from ${socketPath} within ${opts.connectTimeoutMs ?? 5000} ms`, { socket: socketPath }));
      }, opts.connectTimeoutMs ?? 5000);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new RpcClient(socket, socketPath, opts.callTimeoutMs));
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(unavailable(socketPath, err));
      });
    });
  }

  // biome-ignore lint/complexity/noBannedTypes: `{} extends P` asks "may params be left out?" (every field optional)
  call<N extends MethodName>(method: N, ...params: {} extends ParamsOf<N> ? [ParamsOf<N>?] : [ParamsOf<N>]): Promise<ResultOf<N>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const ms = this.callTimeoutMs;
      const timer =
        ms === undefined
          ? undefined
          : setTimeout(() => {
              this.pending.delete(id);
              reject(new WardenError("timeout", `${method}: no reply from ${this.socketPath} within ${ms} ms`, { socket: this.socketPath, method }));
            }, ms);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(JSON.stringify({ jsonrpc: "2.0", id, method, params: params[0] ?? {} }) + "\n");
    });
  }

  notify<N extends MethodName>(method: N, params: ParamsOf<N>): void {
    this.socket.write(JSON.stringify({ jsonrpc: "2.0", method, params }) + "\n");
  }

  /**
   * Calls `listener` with the params of each `notification` the daemon sends on this connection.
   * Given the declaration, params are parsed with its schema first (one that does not parse fails
   * the connection: the daemon broke its contract); given the name, they are typed from the
   * declaration without parsing, so a hot stream costs no validation and this module loads no zod.
   */
  onNotification<N extends NotificationName>(notification: NotificationRef<N>, listener: (params: NotificationParams<N>) => void): () => void {
    const name: string = typeof notification === "string" ? notification : notification.name;
    const schema = typeof notification === "string" ? null : notification.params;
    const wrapped = (params: unknown) => {
      if (schema === null) return listener(params as NotificationParams<N>);
      const parsed = schema.safeParse(params);
      if (parsed.success) return listener(parsed.data as NotificationParams<N>);
      const issues = parsed.error.issues.map(({ code, path, message }) => ({ code, path, message }));
      this.fail(new WardenError("unavailable", `the daemon sent a malformed ${name} notification`, { socket: this.socketPath, notification: name, issues }));
      this.socket.destroy();
    };
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Called once when the connection fails or closes (also after close()), with why. */
  onClose(listener: (error: Error) => void): () => void {
    if (this.failure) {
      const failure = this.failure;
      queueMicrotask(() => listener(failure));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Stop reading replies and notifications (a consumer is backed up); the daemon sees the backlog. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  private onMessage(message: { id?: unknown; method?: string; params?: unknown; result?: unknown; error?: WireError }): void {
    if (this.socket.destroyed) return; // dropped for a malformed notification: the rest of its read too
    if (typeof message.method === "string") {
      const set = this.listeners.get(message.method);
      if (set) for (const l of set) l(message.params);
      return;
    }
    const waiter = typeof message.id === "number" ? this.pending.get(message.id) : undefined;
    if (!waiter) {
      // id null: the daemon refused the connection or could not read a line; fail everything.
      if (message.error) this.fail(new RemoteError(message.error));
      return;
    }
    this.pending.delete(message.id as number);
    clearTimeout(waiter.timer);
    if (message.error) waiter.reject(new RemoteError(message.error));
    else waiter.resolve(message.result);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.pending.values()) {
      clearTimeout(w.timer);
      w.reject(this.failure);
    }
    this.pending.clear();
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const l of listeners) l(this.failure);
  }
}

function unavailable(socketPath: string, err: NodeJS.ErrnoException): WardenError {
  const why =
    err.code === "ENOENT"
      ? "no socket there"
      : err.code === "ECONNREFUSED"
        ? "nothing is listening (stale socket?)"
        : err.code === "EACCES"
          ? "permission denied"
          : err.message;
  return new WardenError("unavailable", `no warden daemon is running (${socketPath}: ${why}); start it with: warden daemon start`, {
    socket: socketPath,
    cause: err.code ?? "unknown",
  });
}

/** Connects, makes one call, closes. */
export async function callOnce<N extends MethodName>(socketPath: string, method: N, params?: ParamsOf<N>, opts: ClientOptions = {}): Promise<ResultOf<N>> {
  const client = await RpcClient.connect(socketPath, opts);
  try {
    return await (client.call as (m: N, p?: ParamsOf<N>) => Promise<ResultOf<N>>)(method, params);
  } finally {
    client.close();
  }
}
