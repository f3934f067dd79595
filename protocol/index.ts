// The wire contract. Depends on zod only; no Node imports, so any client can bundle it.
import type { z } from "zod";
import type { MethodSpec } from "./method.js";
import { discover, health, ping, shutdown, status } from "./methods/core.js";
import * as ledger from "./methods/ledger.js";
import * as projection from "./methods/projection.js";
import * as sessions from "./methods/sessions.js";
import * as sync from "./methods/sync.js";
import * as vault from "./methods/vault.js";

export { API_VERSION } from "./methods/core.js";
export { SIGNALS, eventNotification } from "./methods/sessions.js";
export { errorKinds } from "./errors.js";
export type { ErrorKind, WireError } from "./errors.js";
export { defineMethod } from "./method.js";
export type { MethodSpec } from "./method.js";

/** Every method, in the order PROTOCOL.md and the OpenRPC document list them. */
export const methods = {
  ping,
  health,
  status,
  shutdown,
  "rpc.discover": discover,
  "vault.unlock": vault.unlock,
  "vault.lock": vault.lock,
  "vault.lockAll": vault.lockAll,
  "vault.status": vault.status,
  "vault.get": vault.get,
  "sessions.open": ledger.open,
  "events.append": ledger.append,
  "sessions.close": ledger.close,
  "sessions.list": ledger.list,
  "sessions.get": ledger.get,
  "events.read": ledger.read,
  "sessions.launch": sessions.launch,
  "sessions.input": sessions.input,
  "sessions.resize": sessions.resize,
  "sessions.kill": sessions.kill,
  "sessions.archive": sessions.archive,
  "sessions.snapshot": sessions.snapshot,
  "events.subscribe": sessions.subscribe,
  "events.unsubscribe": sessions.unsubscribe,
  "audit.list": ledger.auditList,
  "projection.verify": projection.verify,
  "projection.diff": projection.diff,
  "projection.rebuild": projection.rebuild,
  "projection.backup": projection.backup,
  "projection.listBackups": projection.listBackups,
  "projection.restore": projection.restore,
  "search.query": sync.searchQuery,
  "sync.status": sync.syncStatus,
  "sync.run": sync.syncRun,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<N extends MethodName> = z.input<Methods[N]["params"]>;
export type ResultOf<N extends MethodName> = z.output<Methods[N]["result"]>;
export type AnyMethod = MethodSpec<string, z.ZodType, z.ZodType>;

export const methodList: readonly AnyMethod[] = Object.values(methods);
