import { z } from "zod";
import { defineMethod } from "../method.js";

const sourceStatus = z.object({
  source: z.enum(["ledger", "audit", "approvals", "claude-code", "codex"]),
  root: z.string().describe("Where its files are"),
  files: z.number().int().describe("Files the projection has applied (some of them)"),
  missing: z.number().int().describe("Files gone since they were applied: their history stays"),
  rows: z.number().int().describe("Records applied (events, audit records, approvals)"),
  filesBehind: z.number().int().describe("Files with changes not yet applied (new ones included)"),
  bytesBehind: z.number().int(),
  lagMs: z.number().int().nullable().describe("How long the oldest unapplied change has waited; null when current"),
  masked: z.number().int().describe("Secrets masked in this source's rows"),
  staleRules: z.number().int().describe("Files whose rows an older rules version masked (rescanned in the background)"),
  searchBehind: z.number().int().describe("Ledgers: bytes of applied events not yet searchable (indexed in the background, at a bounded rate)"),
  unparseable: z
    .number()
    .int()
    .describe("Lines read since the daemon started that are not valid records (not JSON, or too long); a full sync reads them again"),
  lastUnparseable: z
    .object({ file: z.string(), line: z.number().int().describe("1-based, counted from where that read began") })
    .nullable()
    .describe("The most recent of them"),
});

export const status = defineMethod({
  name: "sync.status",
  summary: "How current the projection is, per source",
  description:
    "Per source (this and other hosts' ledgers, audit logs and approvals; imported Claude Code and Codex transcripts): files, records, what is not applied yet and for how long, secrets masked. Plus the watcher's state, the last sync and reconcile, the last error, the rules version, and each configured sink's last push. Lag is measured now (a stat of every known file).",
  params: z.strictObject({}),
  result: z.object({
    state: z.enum(["idle", "syncing", "rebuilding"]),
    watcher: z.object({ state: z.enum(["watching", "degraded", "off"]), dirs: z.number().int(), reason: z.string().nullable() }),
    reconcileSecs: z.number().int(),
    lastSyncAt: z.string().nullable(),
    lastReconcileAt: z.string().nullable(),
    rulesVersion: z.number().int(),
    sources: z.array(sourceStatus),
    masked: z.object({ total: z.number().int(), sinceStart: z.record(z.string(), z.number().int()).describe("By rule, since the daemon started") }),
    lastError: z.object({ at: z.string(), message: z.string(), file: z.string().nullable() }).nullable(),
    remask: z
      .object({
        state: z.enum(["idle", "running"]),
        values: z.number().int().describe("Values being masked in history now, and waiting for the next pass"),
        scanned: z.number().int().describe("Events of the current (or last) pass checked so far"),
        total: z.number().int().describe("Events the current pass checks"),
        rewritten: z.number().int().describe("Rows the current (or last) pass rewrote masked"),
        startedAt: z.string().nullable(),
        finishedAt: z.string().nullable(),
        lastRewriteAt: z.string().nullable().describe("When a pass last rewrote rows: backups older than this may hold the values"),
        rows: z.number().int().describe("Rows rewritten by every pass so far"),
        ledgerRows: z.number().int().describe("Of them, rows of warden's own ledgers: the ledger file still holds the value (written before it was known)"),
      })
      .describe(
        "Masking history anew: when a vault is unlocked or a value added to it, every stored row holding one of its values is rewritten masked, in the background",
      ),
    sinks: z.array(
      z.object({
        name: z.string(),
        target: z.string().describe("The URL without its password"),
        lastPushAt: z.string().nullable(),
        lastResult: z.record(z.string(), z.number()).nullable(),
        lastError: z.string().nullable(),
      }),
    ),
    reader: z
      .object({
        state: z
          .enum(["running", "restarting", "failed"])
          .describe("failed: the thread died too often in a row; transcripts wait for a daemon restart, other sources go on"),
        restarts: z.number().int().describe("Times the thread that reads transcripts died and was started again"),
        lastError: z.string().nullable().describe("Why it last died"),
      })
      .describe("The thread that reads, masks and parses transcripts"),
  }),
});

export const run = defineMethod({
  name: "sync.run",
  summary: "Sync now",
  description:
    "Runs a reconcile pass over every source and answers once everything it found is applied (rescans for a new rules version included). full re-reads every source from the start instead: a rebuild, built aside and swapped in (as projection.rebuild).",
  params: z.strictObject({ full: z.boolean().default(false) }),
  result: z.object({
    full: z.boolean(),
    durationMs: z.number(),
    files: z.number().int().describe("Files applied during the run"),
    rows: z.number().int(),
    bytes: z.number().int(),
    masked: z.number().int(),
    unparseable: z.number().int(),
  }),
  errors: ["conflict", "unavailable"],
});
