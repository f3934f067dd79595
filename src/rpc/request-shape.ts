// Structural checks of one JSON-RPC 2.0 request object. json-rpc-2.0 answers nothing for an
// id-less invalid request, but the spec says every invalid request object gets -32600 with id
// null (or its id when that id is itself valid), so this layer answers it before dispatch.
import type { JSONRPCRequest } from "json-rpc-2.0";

export type RequestId = string | number | null;

export function isRequestId(id: unknown): id is RequestId {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

export type ShapeCheck = { ok: true; request: JSONRPCRequest } | { ok: false; id: RequestId; reason: string };

export function checkRequestShape(msg: unknown): ShapeCheck {
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
    return { ok: false, id: null, reason: "a request must be a JSON object" };
  }
  const r = msg as Record<string, unknown>;
  const id: RequestId = "id" in r && isRequestId(r.id) ? r.id : null;
  if ("id" in r && !isRequestId(r.id)) return { ok: false, id: null, reason: "id must be a string, a number or null" };
  if (r.jsonrpc !== "2.0") return { ok: false, id, reason: 'jsonrpc must be exactly "2.0"' };
  if (typeof r.method !== "string" || r.method.length === 0) return { ok: false, id, reason: "method must be a non-empty string" };
  if ("result" in r || "error" in r) return { ok: false, id, reason: "a request must not carry result or error" };
  if ("params" in r && (typeof r.params !== "object" || r.params === null)) {
    return { ok: false, id, reason: "params, when present, must be an object or an array" };
  }
  return { ok: true, request: r as unknown as JSONRPCRequest };
}
