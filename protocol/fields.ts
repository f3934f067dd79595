// Field schemas several method files share.
import { z } from "zod";

export const sessionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
  .describe("Session id (a UUIDv7 for sessions this daemon made)");
/** A point in time: an ISO-8601 date (UTC midnight) or date-time (with Z or an offset; without, the daemon's local time). */
export const isoTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true, local: true })])
  .describe("ISO-8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T09:30:00Z");
export const jsonObject = z.record(z.string(), z.unknown());
export const cursor = z.string().max(512).describe("Opaque: the nextCursor of the previous page");
