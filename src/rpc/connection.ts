// One client connection: NDJSON lines in, JSON-RPC 2.0 replies out. Replies produced in the same
// turn of the event loop are written with one syscall. Output is bounded: while the socket holds
// more than `outputHighWaterBytes` unread by the client we stop reading its requests, and a client
// that stays that way for `stallMs`, or lets output pass `maxOutputBytes`, is disconnected.
import type { Socket } from "node:net";
import type { JSONRPCResponse } from "json-rpc-2.0";
import type { CallContext, PeerCred, RpcLogger } from "./context.js";
import type { Dispatcher } from "./dispatcher.js";
import { RpcError, errorResponse } from "./errors.js";
import { LineSplitter } from "./framing.js";
import { checkRequestShape } from "./request-shape.js";

export interface ConnectionLimits {
  maxLineBytes: number;
  maxOutputBytes: number;
  outputHighWaterBytes: number;
  stallMs: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export class RpcConnection {
  readonly ctx: CallContext;
  private readonly splitter: LineSplitter;
  private pending: string[] = [];
  private flushQueued = false;
  private paused = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private closedFlag = false;
  private inflight = 0;
  private onSettled: (() => void) | null = null;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    readonly peer: PeerCred,
    restricted: boolean,
    private readonly dispatcher: Dispatcher,
    private readonly limits: ConnectionLimits,
    private readonly log: RpcLogger,
  ) {
    this.ctx = {
      connectionId: id,
      peer,
      restricted,
      notify: (method, params) => this.send(JSON.stringify({ jsonrpc: "2.0", method, params })),
    };
    this.splitter = new LineSplitter(limits.maxLineBytes, {
      line: (bytes) => this.onLine(bytes),
      oversize: (limit) =>
        this.send(errorResponse(null, new RpcError("line_too_long", `line longer than ${limit} bytes discarded`, { limit }).toWire())),
    });
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => this.splitter.push(chunk));
    socket.on("drain", () => this.resume());
    socket.on("error", (err) => this.log.debug("connection error", { connection: id, error: err.message }));
    socket.once("close", () => {
      this.closedFlag = true;
      clearTimeout(this.stallTimer);
    });
  }

  /** Queues one serialized message; all messages queued in one tick go out in one write. */
  send(line: string): void {
    if (this.closedFlag) return;
    this.pending.push(line);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Graceful close: waits (up to `graceMs`) for this connection's in-flight requests to be
   * answered, writes every queued reply, then half-closes. Resolves when the socket is gone;
   * a peer that does not close its side within another second is destroyed.
   */
  async end(graceMs: number): Promise<void> {
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

  private onLine(bytes: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(utf8.decode(bytes));
    } catch (err) {
      const reason = err instanceof SyntaxError ? "invalid JSON" : "invalid UTF-8";
      this.send(errorResponse(null, new RpcError("parse_error", `parse error: ${reason}`).toWire()));
      return;
    }
    if (Array.isArray(message) && message.length === 0) {
      this.send(errorResponse(null, new RpcError("invalid_request", "empty batch").toWire()));
      return;
    }
    this.inflight++;
    const reply = Array.isArray(message)
      ? Promise.all(message.map((m) => this.handleOne(m))).then((replies) => {
          const answered = replies.filter((r) => r !== null);
          return answered.length > 0 ? answered : null;
        })
      : this.handleOne(message);
    void reply
      .then((r) => r !== null && this.send(JSON.stringify(r)))
      .catch((err: unknown) => this.log.error("reply failed", { connection: this.id, error: String(err) }))
      .finally(() => --this.inflight === 0 && this.onSettled?.());
  }

  private async handleOne(message: unknown): Promise<JSONRPCResponse | object | null> {
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
    this.socket.write(chunk);
    const buffered = this.socket.writableLength;
    if (buffered > this.limits.maxOutputBytes) {
      this.log.warn("client not reading: output limit passed, disconnecting", { connection: this.id, buffered });
      this.socket.destroy();
    } else if (buffered > this.limits.outputHighWaterBytes && !this.paused) {
      this.paused = true;
      this.socket.pause();
      this.stallTimer = setTimeout(() => {
        this.log.warn("client not reading: stalled, disconnecting", { connection: this.id, stallMs: this.limits.stallMs });
        this.socket.destroy();
      }, this.limits.stallMs);
    }
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.socket.resume();
  }
}
