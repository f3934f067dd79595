// A session's events: append (log sessions), read, and live streams (subscribe, the `event`
// notification, unsubscribe).
import { z } from "zod";
import { jsonObject, sessionId } from "../fields.js";
import { defineMethod } from "../method.js";
import { defineNotification } from "../notification.js";

export const event = z.object({
  v: z.literal(1),
  session: z.string(),
  seq: z.number().int().describe("1, 2, 3 … per session, no gaps"),
  ts: z.string().describe("ISO-8601"),
  kind: z
    .string()
    .describe("open, note, action, close; PTY and task sessions: launch, output, input, resize, status, scope (sessions.setScope), exit; any session: archive"),
  data: jsonObject.describe("The kind's payload; output: text, or b64 when the bytes are not UTF-8 (tasks: and stream)"),
});

/** One event as a ledger line holds it and as the wire carries it: {v: 1, session, seq, ts, kind, data}. */
export type LedgerEvent = z.output<typeof event>;

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

export const subscribe = defineMethod({
  name: "events.subscribe",
  summary: "Stream a session's events",
  description:
    "Answers at once with a subscription id; then `event` notifications ({subscription, event}) arrive in seq order: the recorded events after `after`, then the live tail, with no gap and no duplicate. A subscriber that reads slowly is never allowed to stall the session: it falls behind and catches up from the projection. Live events are sent when they happen, before they are durable.",
  params: z.strictObject({ session: sessionId, after: z.number().int().min(0).default(0) }),
  result: z.object({ subscription: z.string(), lastSeq: z.number().int().describe("The session's last seq when subscribed") }),
  errors: ["not_found"],
});

export const unsubscribe = defineMethod({
  name: "events.unsubscribe",
  summary: "Stop a stream",
  description: "No more `event` notifications for this subscription. Closing the connection ends all of its subscriptions.",
  params: z.strictObject({ subscription: z.string().max(64) }),
  result: z.object({ subscription: z.string(), removed: z.boolean() }),
});

export const eventNotification = defineNotification({
  name: "event",
  summary: "One event of a subscription",
  description:
    "Sent for each event of a session the connection subscribed to (events.subscribe), in seq order and each once: the recorded events after the subscription's `after`, then the live tail. Live events are sent when they happen, before they are durable.",
  params: z.object({
    subscription: z.string().describe("The id events.subscribe answered with"),
    event: event.describe("The event, as events.read returns it"),
  }),
  sentBy: ["events.subscribe"],
  example: {
    subscription: "s1",
    event: { v: 1, session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11", seq: 7, ts: "2026-11-23T10:00:02.125Z", kind: "output", data: { text: "$ make test\r\n" } },
  },
});
