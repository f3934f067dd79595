import { errorKinds, type ErrorKind, type WireError } from "../../protocol/errors.js";

/**
 * The one error type that crosses the socket. Anything else thrown by a handler becomes -32603
 * `internal` at the dispatch boundary, with details in daemon.log, never in the reply.
 */
export class RpcError extends Error {
  readonly code: number;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "RpcError";
    this.kind = kind;
    this.code = errorKinds[kind].code;
    this.details = details;
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, data: { ...this.details, kind: this.kind } };
  }
}

export function errorResponse(id: string | number | null, error: WireError): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}
