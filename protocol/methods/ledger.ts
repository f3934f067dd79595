import { z } from "zod";
import { defineMethod } from "../method.js";

export const sessionId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/).describe("Session id (a UUIDv7 for sessions this daemon made)");
/** A point in time: an ISO-8601 date (UTC midnight) or date-time (with Z or an offset; without, the daemon's local time). */
export const isoTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true, local: true })])
  .describe("ISO-8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T09:30:00Z");
/** What a session's state can be: log sessions open, closed; PTY and task sessions running, exited, failed; transcripts imported. */
export const SESSION_STATES = ["open", "closed", "running", "exited", "failed", "imported"] as const;
const jsonObject = z.record(z.string(), z.unknown());
const cursor = z.string().max(512).describe("Opaque: the nextCursor of the previous page");

export const event = z.object({
  v: z.literal(1),
  session: z.string(),
  seq: z.number().int().describe("1, 2, 3 … per session, no gaps"),
  ts: z.string().describe("ISO-8601"),
  kind: z.string().describe("open, note, action, close; PTY and task sessions: launch, output, input, resize, status, exit; any session: archive"),
  data: jsonObject,
});

export const exitInfo = z.object({
  code: z.number().int().nullable().describe("Exit code; null when a signal ended it or it was settled without one"),
  signal: z.string().nullable().describe("The signal that ended it, e.g. SIGKILL"),
  status: z.enum(["exited", "failed"]).describe("failed: warden could not see it end (daemon_restarted) or could not record it"),
  reason: z.string().nullable().describe("Why it ended when not on its own: killed, daemon_stopped, daemon_restarted, ledger_failed"),
});

export const processInfo = z.object({
  mode: z.enum(["pty", "task"]),
  harness: z.string().nullable(),
  argv: z.array(z.string()).describe("As launched, masked"),
  cwd: z.string(),
  pid: z.number().int().nullable(),
  exit: exitInfo.nullable(),
});

export const session = z.object({
  id: z.string(),
  host: z.string(),
  kind: z.string().describe("log, pty, task; imported: transcript"),
  title: z.string().nullable(),
  state: z.string().describe("log sessions: open, closed; PTY and task sessions: running, exited, failed; transcripts: imported"),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeq: z.number().int(),
  meta: z.unknown().nullable(),
  archived: z.boolean().describe("Hidden from default lists (sessions.archive); history kept"),
  live: z
    .boolean()
    .nullable()
    .describe("PTY and task sessions of this host: whether the process runs now, checked against its pid and start time; null for log sessions and other hosts'"),
  process: processInfo.nullable().describe("PTY and task sessions: what was launched and how it ended"),
  source: z.enum(["warden", "claude-code", "codex"]).describe("warden: recorded by a warden daemon; else the tool whose transcript it was imported from"),
  sourceMissing: z.boolean().describe("The file it came from is gone; its history stays"),
});

export const open = defineMethod({
  name: "sessions.open",
  summary: "Start a log session",
  description:
    "Creates a session whose events are appended to ledger/<host>/<session>.jsonl, for an agent or script that wants to record what it did. Its first event (seq 1) is `open`. Returns once that event is durable.",
  params: z.strictObject({
    title: z.string().min(1).max(500),
    kind: z.literal("log").default("log"),
    meta: jsonObject.optional().describe("Free-form metadata kept with the session (no secrets: it is stored as is)"),
  }),
  result: session,
});

export const append = defineMethod({
  name: "events.append",
  summary: "Record an event in a log session",
  description: "Appends one event; returns its seq once its batch is durable (group commit: ≤ 10 ms or 64 KiB, then fdatasync).",
  params: z.strictObject({
    session: sessionId,
    kind: z.enum(["note", "action"]),
    data: jsonObject.describe("The event's payload (at most 1 MiB of JSON)"),
  }),
  result: z.object({ session: z.string(), seq: z.number().int(), ts: z.string() }),
  errors: ["not_found", "conflict"],
});

export const close = defineMethod({
  name: "sessions.close",
  summary: "End a log session",
  description: "Appends the `close` event; later appends are refused with conflict.",
  params: z.strictObject({ session: sessionId }),
  result: z.object({ session: z.string(), seq: z.number().int() }),
  errors: ["not_found", "conflict"],
});

export const list = defineMethod({
  name: "sessions.list",
  summary: "Sessions, newest first",
  description: "From the projection. Pages with nextCursor (null on the last page).",
  params: z.strictObject({
    host: z.string().max(64).optional(),
    state: z.enum(SESSION_STATES).optional(),
    source: z.enum(["warden", "claude-code", "codex"]).optional(),
    archived: z.boolean().default(false).describe("Include archived sessions"),
    limit: z.number().int().min(1).max(1000).default(50),
    cursor: cursor.optional(),
  }),
  result: z.object({ sessions: z.array(session), nextCursor: z.string().nullable() }),
});

export const get = defineMethod({
  name: "sessions.get",
  summary: "One session",
  description: "From the projection.",
  params: z.strictObject({ session: sessionId }),
  result: session,
  errors: ["not_found"],
});

export const read = defineMethod({
  name: "events.read",
  summary: "A session's events after a seq",
  description:
    "Events with seq > after, in order, at most limit and about 4 MiB of event data (so a page of large output events stays a sane reply). The cursor is the seq itself: read again with after = the last seq you saw. Served to agents for their own session only (the session whose process tree the caller belongs to, on either socket); any other session is denied to them.",
  params: z.strictObject({
    session: sessionId,
    after: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
  result: z.object({ events: z.array(event), lastSeq: z.number().int().describe("The session's last seq so far") }),
  agent: true,
  errors: ["not_found", "denied"],
});

export const auditList = defineMethod({
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
