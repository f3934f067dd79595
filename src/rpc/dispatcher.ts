// Method dispatch on top of json-rpc-2.0's server: params validated against the method's zod
// schema (strict: unknown keys are -32602), restricted peers limited to agent methods, RpcError
// mapped to its wire form, anything else thrown turned into -32603 with details only in the log.
import { JSONRPCServer, createJSONRPCErrorResponse, type JSONRPCErrorResponse, type JSONRPCRequest, type JSONRPCResponse } from "json-rpc-2.0";
import type { z } from "zod";
import type { MethodSpec } from "../../protocol/method.js";
import type { RpcLogger } from "../platform/log.js";
import type { CallContext } from "./context.js";
import { WardenError } from "../platform/errors.js";
import { RpcError } from "./errors.js";

type AnySpec = MethodSpec<string, z.ZodType, z.ZodType>;

export type Handler<M extends AnySpec> = (params: z.output<M["params"]>, ctx: CallContext) => z.input<M["result"]> | Promise<z.input<M["result"]>>;

/** A method declaration joined to its implementation. Build with `bind`, never by hand. */
export interface Binding {
  readonly spec: AnySpec;
  readonly handler: (params: unknown, ctx: CallContext) => unknown;
}

export function bind<M extends AnySpec>(spec: M, handler: Handler<M>): Binding {
  return { spec, handler: handler as Binding["handler"] };
}

export class Dispatcher {
  private readonly server = new JSONRPCServer<CallContext>({ errorListener: () => {} });
  /** The declarations this dispatcher serves, in binding order (rpc.discover lists these). */
  readonly specs: readonly AnySpec[];
  private active = 0;
  private count = 0;
  private closing = false;

  constructor(
    bindings: readonly Binding[],
    private readonly log: RpcLogger,
  ) {
    this.specs = bindings.map((b) => b.spec);
    for (const { spec, handler } of bindings) {
      if (this.server.hasMethod(spec.name)) throw new Error(`method ${spec.name} bound twice`);
      this.server.addMethod(spec.name, (params, ctx) => this.invoke(spec, handler, params, ctx));
    }
    this.server.mapErrorToJSONRPCErrorResponse = toErrorResponse;
    this.server.handleMethodNotFound = async (request) =>
      request.id === undefined ? null : toErrorResponse(request.id, new RpcError("method_not_found", `no method ${JSON.stringify(request.method)}`));
  }

  /** Dispatches one structurally valid request; resolves to null for notifications. */
  async dispatch(request: JSONRPCRequest, ctx: CallContext): Promise<JSONRPCResponse | null> {
    if (this.closing) {
      const refusal = new RpcError("shutting_down", "the daemon is shutting down");
      return request.id === undefined ? null : toErrorResponse(request.id, refusal);
    }
    this.active++;
    this.count++;
    const t0 = this.log.debugEnabled ? performance.now() : 0;
    try {
      const reply = await this.server.receive(request, ctx);
      if (this.log.debugEnabled) this.logRequest(request, ctx, reply, t0);
      return reply;
    } finally {
      this.active--;
    }
  }

  /** Method, id, outcome and timing; param names but never their values (they may be secrets). */
  private logRequest(request: JSONRPCRequest, ctx: CallContext, reply: JSONRPCResponse | null, t0: number): void {
    const raw = request.params;
    this.log.debug("request", {
      connection: ctx.connectionId,
      method: request.method,
      // Both are chosen by the client: bounded, so a log line stays a line.
      id: request.id === undefined ? null : String(request.id).slice(0, 64),
      paramNames:
        raw && typeof raw === "object" && !Array.isArray(raw)
          ? Object.keys(raw)
              .slice(0, 20)
              .map((k) => k.slice(0, 64))
          : [],
      outcome: reply && "error" in reply && reply.error ? String((reply.error.data as { kind?: string } | undefined)?.kind ?? reply.error.code) : "ok",
      ms: Math.round((performance.now() - t0) * 1000) / 1000,
    });
  }

  get inFlight(): number {
    return this.active;
  }

  get served(): number {
    return this.count;
  }

  /** From now on new requests are answered `shutting_down`; in-flight ones run to completion. */
  refuseNew(): void {
    this.closing = true;
  }

  private async invoke(spec: AnySpec, handler: Binding["handler"], raw: unknown, ctx: CallContext): Promise<unknown> {
    if (ctx.restricted && !spec.agent) {
      throw new RpcError("denied", `${spec.name} is not served to a session's agent (nor on the agent socket)`, { method: spec.name });
    }
    if (Array.isArray(raw)) {
      throw new RpcError("invalid_params", `${spec.name} takes params by name (an object), not an array`, { issues: [] });
    }
    const parsed = spec.params.safeParse(raw ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map(({ code, path, message }) => ({ code, path, message }));
      throw new RpcError("invalid_params", `invalid params for ${spec.name}`, { issues });
    }
    try {
      const result = await handler(parsed.data, ctx);
      if (result === undefined) throw new Error(`${spec.name} returned no result`); // a reply needs one
      return result;
    } catch (error) {
      if (error instanceof RpcError) throw error;
      // A write refused because a symlink sits at its path: the caller is told which path.
      if (error instanceof WardenError && error.kind === "unsafe_path") throw new RpcError("unsafe_path", error.message, error.details);
      this.log.error("handler failed", {
        method: spec.name,
        connection: ctx.connectionId,
        error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
      });
      throw new RpcError("internal", "internal error");
    }
  }
}

function toErrorResponse(id: JSONRPCRequest["id"], error: unknown): JSONRPCErrorResponse {
  const wire = (error instanceof RpcError ? error : new RpcError("internal", "internal error")).toWire();
  return createJSONRPCErrorResponse(id ?? null, wire.code, wire.message, wire.data);
}
