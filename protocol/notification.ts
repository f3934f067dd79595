import type { z } from "zod";

/**
 * One notification the daemon sends (server to client, never answered), declared once like a
 * method: the daemon's `ctx.notify` and the client's `onNotification` are typed from `params`,
 * and the OpenRPC document and PROTOCOL.md list it. Params are a by-name object; declare them with
 * `z.object` (not strict), so a client built against this version still reads a later daemon's
 * notification that carries an extra field.
 */
export interface NotificationSpec<Name extends string = string, P extends z.ZodType = z.ZodType> {
  readonly name: Name;
  readonly summary: string;
  readonly description: string;
  readonly params: P;
  /** The methods whose call makes the daemon send it, on the caller's connection. */
  readonly sentBy: readonly string[];
  /** One example params object, for PROTOCOL.md and OpenRPC. */
  readonly example?: z.output<P>;
}

export function defineNotification<Name extends string, P extends z.ZodType>(spec: NotificationSpec<Name, P>): NotificationSpec<Name, P> {
  return spec;
}
