// The wire contract. Depends on zod only; no Node imports, so any client can bundle it.
import type { z } from "zod";
import type { MethodSpec } from "./method.js";
import type { NotificationSpec } from "./notification.js";
import { discover, health, ping, shutdown, status } from "./methods/core.js";
import * as approvals from "./methods/approvals.js";
import * as audit from "./methods/audit.js";
import * as events from "./methods/events.js";
import * as projection from "./methods/projection.js";
import * as search from "./methods/search.js";
import * as sessions from "./methods/sessions.js";
import * as sync from "./methods/sync.js";
import * as vault from "./methods/vault.js";

export { API_VERSION } from "./methods/core.js";
export { SIGNALS } from "./methods/sessions.js";
export type { ProcessInfo } from "./methods/sessions.js";
export { eventNotification } from "./methods/events.js";
export type { LedgerEvent } from "./methods/events.js";
export { REQUEST_STATES } from "./methods/approvals.js";
export type ApprovalRequest = z.output<typeof approvals.approvalRequest>;
export type Grant = z.output<typeof approvals.grant>;
export { errorKinds } from "./errors.js";
export type { ErrorKind, WireError } from "./errors.js";
export { defineMethod } from "./method.js";
export type { MethodSpec } from "./method.js";
export { defineNotification } from "./notification.js";
export type { NotificationSpec } from "./notification.js";

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
  "approvals.list": approvals.list,
  "approvals.decide": approvals.decide,
  "approvals.subscribe": approvals.subscribe,
  "grants.list": approvals.grantsList,
  "grants.revoke": approvals.grantsRevoke,
  "sessions.open": sessions.open,
  "events.append": events.append,
  "sessions.close": sessions.close,
  "sessions.list": sessions.list,
  "sessions.get": sessions.get,
  "events.read": events.read,
  "sessions.launch": sessions.launch,
  "sessions.input": sessions.input,
  "sessions.resize": sessions.resize,
  "sessions.kill": sessions.kill,
  "sessions.archive": sessions.archive,
  "sessions.snapshot": sessions.snapshot,
  "events.subscribe": events.subscribe,
  "events.unsubscribe": events.unsubscribe,
  "audit.list": audit.list,
  "projection.verify": projection.verify,
  "projection.diff": projection.diff,
  "projection.rebuild": projection.rebuild,
  "projection.backup": projection.backup,
  "projection.listBackups": projection.listBackups,
  "projection.restore": projection.restore,
  "search.query": search.query,
  "sync.status": sync.status,
  "sync.run": sync.run,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<N extends MethodName> = z.input<Methods[N]["params"]>;
export type ResultOf<N extends MethodName> = z.output<Methods[N]["result"]>;
export type AnyMethod = MethodSpec<string, z.ZodType, z.ZodType>;

export const methodList: readonly AnyMethod[] = Object.values(methods);

/** Every notification the daemon sends, in the order PROTOCOL.md and the OpenRPC document list them. */
export const notifications = {
  event: events.eventNotification,
  "projection.progress": projection.progress,
  "approvals.requested": approvals.requested,
  "approvals.decided": approvals.decided,
} as const;

export type Notifications = typeof notifications;
export type NotificationName = keyof Notifications;
/** What the daemon passes to `ctx.notify`. */
export type NotifyParams<N extends NotificationName> = z.input<Notifications[N]["params"]>;
/** What a client's `onNotification` listener receives. */
export type NotificationParams<N extends NotificationName> = z.output<Notifications[N]["params"]>;
export type AnyNotification = NotificationSpec<string, z.ZodType>;

export const notificationList: readonly AnyNotification[] = Object.values(notifications);
