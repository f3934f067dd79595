import { z } from "zod";
import { defineMethod } from "../method.js";
import { defineNotification } from "../notification.js";

export const surface = z.enum(["sessions", "events", "audit", "approvals", "all"]).default("all");

const digest = z.object({ count: z.number().int(), hash: z.string().describe("SHA-256 over the surface's rows in key order") });
const surfaceReport = z.object({ surface: z.string(), ok: z.boolean(), source: digest, projection: digest });

export const verify = defineMethod({
  name: "projection.verify",
  summary: "Compare the projection with its sources",
  description: "Counts and content hashes, per surface, of the rows the source files map to and of the rows the projection holds. ok is false on any drift.",
  params: z.strictObject({ surface: surface.optional() }),
  result: z.object({ ok: z.boolean(), surfaces: z.array(surfaceReport) }),
});

export const diff = defineMethod({
  name: "projection.diff",
  summary: "Concrete differences between projection and sources",
  description: "A bounded page of differing rows (missing on one side, or content differs), in key order. Page on with nextCursor.",
  params: z.strictObject({ surface: surface.optional(), limit: z.number().int().min(1).max(1000).default(100), cursor: z.string().max(1024).optional() }),
  result: z.object({
    differences: z.array(
      z.object({
        surface: z.string(),
        key: z.string(),
        problem: z.enum(["missing_in_projection", "missing_in_source", "differs"]),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
});

export const rebuild = defineMethod({
  name: "projection.rebuild",
  summary: "Rebuild the projection from the sources, live",
  description:
    "Imports every source file into a new database in a worker thread (the daemon keeps serving), swaps it in atomically, catches up with what was appended meanwhile, and verifies it. Refuses to swap when the sources yield nothing while the projection has rows, or when anything failed. Sends projection.progress notifications ({phase, done, total}) to the caller. A request while a rebuild runs joins it. Every surface is rebuilt: sessions and events come from the same files.",
  params: z.strictObject({ surface: surface.optional() }),
  result: z.object({
    swapped: z.boolean(),
    files: z.number().int(),
    rows: z.number().int(),
    unparseable: z.number().int(),
    importMs: z.number().describe("The worker's import alone"),
    indexMs: z
      .number()
      .describe("The worker's search documents of the ledgers, made after the import, so the rebuilt projection is searchable when swapped in"),
    durationMs: z.number().describe("Import, swap, catch-up and verify"),
    verify: z.object({ ok: z.boolean(), surfaces: z.array(surfaceReport) }),
  }),
  errors: ["conflict", "unavailable"],
});

export const progress = defineNotification({
  name: "projection.progress",
  summary: "How far a rebuild has got",
  description:
    "Sent to the connection whose projection.rebuild started the rebuild, while it runs: `import` counts the source files read of all of them, then `swap` and `verify` are one step each (done 0, total 1). A request that joins a running rebuild gets none.",
  params: z.object({
    phase: z
      .string()
      .describe("import (source files read into the new database), then swap (it replaces the live one), then verify (it is checked against the sources)"),
    done: z.number().int().describe("Steps of this phase done"),
    total: z.number().int().describe("Steps of this phase in all"),
  }),
  sentBy: ["projection.rebuild"],
  example: { phase: "import", done: 120, total: 348 },
});

export const backup = defineMethod({
  name: "projection.backup",
  summary: "Online, consistent backup",
  description:
    "A consistent snapshot (VACUUM INTO from a read-only connection, in a worker thread: the daemon keeps serving and writing) into run/<host>/backups/projection-<timestamp>.sqlite, then integrity_check on the copy.",
  params: z.strictObject({}),
  result: z.object({ file: z.string(), bytes: z.number().int(), integrity: z.literal("ok"), durationMs: z.number() }),
});

export const listBackups = defineMethod({
  name: "projection.listBackups",
  summary: "The backups, newest first",
  description: "Files in run/<host>/backups.",
  params: z.strictObject({}),
  result: z.object({ backups: z.array(z.object({ file: z.string(), bytes: z.number().int(), createdAt: z.string() })) }),
});

export const restore = defineMethod({
  name: "projection.restore",
  summary: "Replace the live projection with a backup",
  description:
    "Checks the backup's integrity, swaps it in, and catches it up from the sources through the watermarks. Needs liveRecovery: true, because readers briefly see older data. Never touches source stores.",
  params: z.strictObject({ file: z.string().min(1).max(4096), liveRecovery: z.literal(true) }),
  result: z.object({ restored: z.string(), caughtUp: z.object({ files: z.number().int(), rows: z.number().int() }) }),
  errors: ["not_found", "projection_corrupt"],
});
