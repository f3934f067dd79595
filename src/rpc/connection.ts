// One client connection: NDJSON lines in, JSON-RPC 2.0 replies out. Replies produced in the same
// turn of the event loop are written with one syscall. Output is bounded: once the socket's
// buffer passes its high-water mark (set by the server from clientHighWaterBytes) we stop reading
// that client's requests until it drains; a client that stays there for `stallMs`, or lets output
// pass `maxOutputBytes`, is disconnected (replies that can be large are paged to stay well below).
// A line must be finished within `lineIdleMs` of its first byte: a client that opens a line and
// never ends it (one byte at a time, or none) would otherwise hold its connection slot forever.
import type { Socket } from "node:net";
import type { JSONRPCResponse } from "json-rpc-2.0";
import type { PeerCred } from "../platform/native.js";
import type { RpcLogger } from "../platform/log.js";
import type { CallContext } from "./context.js";
import type { Dispatcher } from "./dispatcher.js";
import { RpcError, errorResponse } from "./errors.js";
import { LineSplitter } from "./framing.js";
import { checkRequestShape, type RequestId } from "./request-shape.js";

export interface ConnectionLimits {
  maxLineBytes: number;
  maxBatch: number;
  maxOutputBytes: number;
  outputHighWaterBytes: number;
  stallMs: number;
  lineIdleMs: number;
}

type Reply = JSONRPCResponse | { jsonrpc: "2.0"; id: RequestId; error: object };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class RpcConnection {
  readonly ctx: CallContext;
  private readonly splitter: LineSplitter;
  private pending: string[] = [];
  /** Approximate (string lengths): for backpressure decisions, not accounting. */
  private pendingBytes = 0;
  private flushQueued = false;
  private paused = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private lineTimer: NodeJS.Timeout | undefined;
  /** linesEnded when lineTimer was armed: the line it times. */
  private lineTimed = -1;
  private dropped = false;
  private closedFlag = false;
  private ending = false;
  private inflight = 0;
  private onSettled: (() => void) | null = null;
  /** drained() callers, woken whenever a write completes (or the socket closes). */
  private drainWaiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    readonly peer: PeerCred,
    access: { restricted: boolean; agentSession: string | null },
    private readonly dispatcher: Dispatcher,
    private readonly limits: ConnectionLimits,
    private readonly log: RpcLogger,
  ) {
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    this.ctx = {
      connectionId: id,
      peer,
      restricted: access.restricted,
      agentSession: access.agentSession,
      // Not validated: the types hold the daemon to the declaration, and events are the hot path.
      notify: (n, params) => this.send(JSON.stringify({ jsonrpc: "2.0", method: typeof n === "string" ? n : n.name, params })),
      backlog: () => this.pendingBytes + socket.writableLength,
      drained: (below) => this.drained(below ?? 0),
      closed: this.closed,
      hungUp: new Promise((resolve) => {
        socket.once("end", () => resolve());
        void this.closed.then(resolve);
      }),
    };
    this.splitter = new LineSplitter(limits.maxLineBytes, {
      line: (bytes) => this.onLine(bytes),
      oversize: (limit) => this.sendError(null, new RpcError("line_too_long", `line longer than ${limit} bytes discarded`, { limit })),
    });
    socket.on("data", (chunk: Buffer) => {
      if (this.dropped) return;
      this.splitter.push(chunk);
      this.timeLine();
    });
    // The client half-closed: answer what it sent (an unterminated last line included), then close.
    socket.on("end", () => {
      if (!this.dropped) this.splitter.finish();
      this.timeLine(); // that last line, if any, is finished now
      void this.end(limits.stallMs);
    });
    socket.on("drain", () => this.resume());
    socket.on("error", (err) => this.log.debug("connection error", { connection: id, error: err.message }));
    socket.once("close", () => {
      this.closedFlag = true;
      clearTimeout(this.stallTimer);
      clearTimeout(this.lineTimer);
      this.wakeDrainWaiters();
    });
  }

  /** Queues one serialized message; all messages queued in one tick go out in one write. */
  send(line: string): void {
    if (this.closedFlag) return;
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Graceful close: waits (up to `graceMs`) for this connection's in-flight requests to be
   * answered, writes every queued reply, then closes our side. Resolves when the socket is gone;
   * a peer that does not close its side within another second is destroyed.
   */
  async end(graceMs: number): Promise<void> {
    if (this.ending) return this.closed;
    this.ending = true;
    if (this.inflight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.onSettled = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.flush();
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    await this.closed;
    clearTimeout(timer);
  }

  /** Times the unfinished line, if any, from its first byte; a finished line stops the clock. */
  private timeLine(): void {
    if (!this.splitter.midLine) {
      clearTimeout(this.lineTimer);
      this.lineTimer = undefined;
      return;
    }
    if (this.lineTimer !== undefined && this.lineTimed === this.splitter.linesEnded) return;
    clearTimeout(this.lineTimer);
    this.lineTimed = this.splitter.linesEnded;
    this.lineTimer = setTimeout(() => this.lineIdle(), this.limits.lineIdleMs);
  }

  private lineIdle(): void {
    // While we are not reading (the client's replies are backed up) the line cannot finish: not
    // the client's delay. The stall timer bounds that state.
    if (this.paused) return void (this.lineTimer = setTimeout(() => this.lineIdle(), this.limits.lineIdleMs));
    this.lineTimer = undefined;
    this.dropped = true;
    this.log.warn("client left a line unfinished: disconnecting", {
      event: "client_dropped",
      reason: "line_idle",
      connection: this.id,
      lineIdleMs: this.limits.lineIdleMs,
    });
    this.sendError(
      null,
      new RpcError("line_timeout", `a request line stayed unfinished for ${this.limits.lineIdleMs} ms; closing the connection`, {
        lineIdleMs: this.limits.lineIdleMs,
      }),
    );
    void this.end(this.limits.stallMs);
  }

  private sendError(id: RequestId, error: RpcError): void {
    this.send(errorResponse(id, error.toWire()));
  }

  private onLine(bytes: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(utf8.decode(bytes));
    } catch (err) {
      const reason = err instanceof SyntaxError ? "invalid JSON" : "invalid UTF-8";
      return this.sendError(null, new RpcError("parse_error", `parse error: ${reason}`));
    }
    if (Array.isArray(message) && message.length === 0) return this.sendError(null, new RpcError("invalid_request", "empty batch"));
    if (Array.isArray(message) && message.length > this.limits.maxBatch) {
      return this.sendError(null, new RpcError("batch_too_large", `a batch may hold at most ${this.limits.maxBatch} requests`, { max: this.limits.maxBatch }));
    }
    this.inflight++;
    const reply: Promise<string | null> = Array.isArray(message)
      ? Promise.all(message.map((m) => this.handleOne(m))).then((replies) => {
          const answered = replies.filter((r) => r !== null).map(serialize);
          return answered.length > 0 ? `[${answered.join(",")}]` : null;
        })
      : this.handleOne(message).then((r) => (r === null ? null : serialize(r)));
    void reply
      .then((line) => line !== null && this.send(line))
      .catch((err: unknown) => this.log.error("reply failed", { connection: this.id, error: String(err) }))
      .finally(() => --this.inflight === 0 && this.onSettled?.());
  }

  private async handleOne(message: unknown): Promise<Reply | null> {
    const shape = checkRequestShape(message);
    if (!shape.ok) {
      return { jsonrpc: "2.0", id: shape.id, error: new RpcError("invalid_request", `invalid request: ${shape.reason}`).toWire() };
    }
    return this.dispatcher.dispatch(shape.request, this.ctx);
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0 || this.closedFlag) return;
    const chunk = this.pending.join("\n") + "\n";
    this.pending = [];
    this.pendingBytes = 0;
    const belowHighWater = this.socket.write(chunk, () => this.wakeDrainWaiters());
    if (this.socket.writableLength > this.limits.maxOutputBytes) {
      this.log.warn("client not reading: output limit passed, disconnecting", {
        event: "client_dropped",
        reason: "output_limit",
        connection: this.id,
        buffered: this.socket.writableLength,
      });
      this.socket.destroy();
    } else if (!belowHighWater && !this.paused) {
      this.paused = true;
      this.socket.pause();
      this.stallTimer = setTimeout(() => {
        this.log.warn("client not reading: stalled, disconnecting", {
          event: "client_dropped",
          reason: "stalled",
          connection: this.id,
          stallMs: this.limits.stallMs,
        });
        this.socket.destroy();
      }, this.limits.stallMs);
    }
  }

  private async drained(below: number): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.closedFlag) {
      if (this.pending.length > 0)
        await new Promise((resolve) => setImmediate(resolve)); // written on this turn
      else if (this.socket.writableLength > below)
        await new Promise<void>((resolve) => this.drainWaiters.push(resolve)); // a write completes
      else return;
    }
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.socket.resume();
  }
}

/** A reply that cannot be serialized (a handler bug) still answers its request: -32603. */
function serialize(reply: Reply): string {
  try {
    return JSON.stringify(reply);
  } catch {
    return errorResponse("id" in reply ? reply.id : null, new RpcError("internal", "internal error: unserializable result").toWire());
  }
}
