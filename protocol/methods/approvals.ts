// Approvals and grants: a read that needs a person's approval (vault.get answers approval_pending)
// becomes a request; a person decides it (approvals.decide), and an approval is a grant for the
// session's reads of that entry, for a time or for one read.
import { z } from "zod";
import { sessionId } from "../fields.js";
import { defineMethod } from "../method.js";
import { defineNotification } from "../notification.js";

const id = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
    .describe(what);
export const requestId = id("Approval request id (as approval_pending's data.request names it)");
export const grantId = id("Grant id");

export const REQUEST_STATES = ["pending", "approved", "denied", "expired"] as const;

const decider = z.object({ uid: z.number().int(), pid: z.number().int() }).describe("The person's peer that decided");

export const grant = z.object({
  id: z.string(),
  ts: z.string().describe("ISO-8601: when it was granted"),
  session: z.string().nullable().describe("The session whose agent may read with it (null: an agent whose session could not be told)"),
  vault: z.string(),
  name: z.string(),
  until: z.string().nullable().describe("ISO-8601: when it ends; null for a one-read grant"),
  once: z.boolean().describe("Ends with the first read it allows"),
  request: z.string().describe("The request whose approval made it"),
  by: decider,
});

export const approvalRequest = z.object({
  id: z.string(),
  ts: z.string().describe("ISO-8601: when it was asked"),
  session: z.string().nullable().describe("The session whose agent asked (null: its session could not be told)"),
  peer: z
    .object({
      uid: z.number().int(),
      pid: z.number().int(),
      exe: z.string().nullable(),
      argv: z.array(z.string()).nullable().describe("Masked"),
    })
    .describe("The process that asked, observed (not declared)"),
  vault: z.string(),
  name: z.string(),
  scope: z.string().nullable().describe("The scope the read declared, if any"),
  reason: z.string().describe("The read's declared reason, masked"),
  state: z.enum(REQUEST_STATES),
  expiresAt: z.string().describe("ISO-8601: a pending request expires then (config approvals.timeoutSecs after ts)"),
  decidedAt: z.string().nullable().describe("ISO-8601: when it was approved, denied or expired"),
  by: decider.nullable().describe("Who approved or denied it"),
  denyReason: z.string().nullable().describe("The reason a person gave for denying, masked"),
  grant: z.string().nullable().describe("The grant its approval made"),
});

const exampleGrant: z.output<typeof grant> = {
  id: "g-0193a7c2-6b20-7aa0",
  ts: "2026-11-23T10:00:30.000Z",
  session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11",
  vault: "work",
  name: "DEPLOY_TOKEN",
  until: "2026-11-23T10:10:30.000Z",
  once: false,
  request: "r-0193a7c2-5a10-7cc1",
  by: { uid: 1000, pid: 5151 },
};

const exampleRequest: z.output<typeof approvalRequest> = {
  id: "r-0193a7c2-5a10-7cc1",
  ts: "2026-11-23T10:00:00.000Z",
  session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11",
  peer: { uid: 1000, pid: 4242, exe: "/usr/bin/python3", argv: ["python3", "deploy.py"] },
  vault: "work",
  name: "DEPLOY_TOKEN",
  scope: null,
  reason: "deploy to staging",
  state: "approved",
  expiresAt: "2026-11-23T10:05:00.000Z",
  decidedAt: "2026-11-23T10:00:30.000Z",
  by: { uid: 1000, pid: 5151 },
  denyReason: null,
  grant: "g-0193a7c2-6b20-7aa0",
};
const examplePending: z.output<typeof approvalRequest> = { ...exampleRequest, state: "pending", decidedAt: null, by: null, grant: null };

export const list = defineMethod({
  name: "approvals.list",
  summary: "Approval requests, oldest first",
  description:
    "The requests this daemon holds: every pending one, and those decided or expired since it started (restored at restart from approvals/<host>.jsonl). Not served to agents: a session's agent learns its request's fate from vault.get (wait) alone.",
  params: z.strictObject({
    session: sessionId.optional().describe("Only this session's requests"),
    state: z.enum(REQUEST_STATES).optional().describe("Only requests in this state"),
  }),
  result: z.object({ requests: z.array(approvalRequest) }),
});

export const decide = defineMethod({
  name: "approvals.decide",
  summary: "Approve or deny a request",
  description:
    "Only a person may decide: a session's agent (on either socket) or any peer on the agent socket is answered denied. Approving makes a grant for the request's (session, vault, name): for `for` seconds, or, with `once` (the default when neither is given), for exactly one read. A waiting vault.get is then answered. Deciding a request that is no longer pending is a conflict. The decision is durable (fdatasync) before it is answered.",
  params: z.strictObject({
    request: requestId,
    decision: z.enum(["approve", "deny"]),
    for: z
      .number()
      .int()
      .min(1)
      .max(30 * 86400)
      .optional()
      .describe("approve: the grant lasts this many seconds (not with once)"),
    once: z.boolean().optional().describe("approve: the grant allows one read (the default when `for` is not given)"),
    reason: z.string().min(1).max(500).optional().describe("deny: why; the waiting read's approval_denied carries it"),
  }),
  result: z.object({ request: approvalRequest, grant: grant.nullable().describe("The grant an approval made; null for a denial") }),
  errors: ["denied", "not_found", "conflict"],
  example: { params: { request: "r-0193a7c2-5a10-7cc1", decision: "approve", for: 600 }, result: { request: exampleRequest, grant: exampleGrant } },
});

export const subscribe = defineMethod({
  name: "approvals.subscribe",
  summary: "Watch approval requests",
  description:
    "Answers with the requests pending now; then, until the connection closes, an approvals.requested notification for each new request and an approvals.decided notification for each request approved, denied or expired. Calling it again on the same connection changes nothing (one stream per connection).",
  params: z.strictObject({}),
  result: z.object({ pending: z.array(approvalRequest) }),
});

export const requested = defineNotification({
  name: "approvals.requested",
  summary: "A new approval request",
  description: "Sent to every connection that called approvals.subscribe when a read needing approval makes a new request.",
  params: z.object({ request: approvalRequest }),
  sentBy: ["approvals.subscribe"],
  example: { request: examplePending },
});

export const decided = defineNotification({
  name: "approvals.decided",
  summary: "A request was approved, denied or expired",
  description: "Sent to every connection that called approvals.subscribe when a request leaves the pending state; `grant` is the grant an approval made.",
  params: z.object({ request: approvalRequest, grant: grant.nullable() }),
  sentBy: ["approvals.subscribe"],
  example: { request: exampleRequest, grant: exampleGrant },
});

export const grantsList = defineMethod({
  name: "grants.list",
  summary: "Grants in force",
  description: "Grants that have not ended (by time, use, revoke, their session's end, or their vault's lock or eviction), oldest first.",
  params: z.strictObject({ session: sessionId.optional().describe("Only this session's grants") }),
  result: z.object({ grants: z.array(grant) }),
});

export const grantsRevoke = defineMethod({
  name: "grants.revoke",
  summary: "End a grant now",
  description: "Ends a grant in force: the next read it would have allowed asks again. A grant that has ended already, or never was, is not_found.",
  params: z.strictObject({ grant: grantId }),
  result: z.object({ grant: z.string(), revoked: z.literal(true) }),
  errors: ["not_found"],
});
