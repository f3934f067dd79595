import { z } from "zod";
import { cursor, isoTime } from "../fields.js";
import { defineMethod } from "../method.js";

export const list = defineMethod({
  name: "audit.list",
  summary: "Audit records, newest first",
  description: "From the projection: every unlock, lock, eviction and secret read, of this host or any host whose log is synced in.",
  params: z.strictObject({
    host: z.string().max(64).optional(),
    since: isoTime.optional().describe("Only records at or after it (ISO-8601)"),
    limit: z.number().int().min(1).max(1000).default(100),
    cursor: cursor.optional(),
  }),
  result: z.object({ records: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() }),
});
