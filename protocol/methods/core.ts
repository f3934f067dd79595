import { z } from "zod";
import { defineMethod } from "../method.js";

export const API_VERSION = "warden.v1";

const daemonInfo = z.object({
  pid: z.number().int().describe("Process id of the daemon"),
  startedAt: z.string().describe("ISO-8601 time the daemon started"),
  host: z.string().describe("Sanitized host name that names the run root"),
  socket: z.string().describe("Path of the full-rights socket"),
  home: z.string().describe("WARDEN_HOME: the source-store root"),
  runRoot: z.string().describe("Host-local runtime directory ($WARDEN_HOME/run/<host>)"),
});

const capabilities = z
  .object({
    batch: z.boolean().describe("JSON-RPC batches are accepted"),
    notifications: z.boolean().describe("The server may send notifications on this connection"),
    discover: z.boolean().describe("rpc.discover returns the OpenRPC document"),
    agentSocket: z.boolean().describe("A restricted agent.sock is served"),
    vault: z.boolean().describe("vault.* methods"),
    ledger: z.boolean().describe("sessions.open / events.append log sessions"),
    projection: z.boolean().describe("projection.* operations and read methods"),
    sessions: z.boolean().describe("PTY and task sessions"),
    sync: z.boolean().describe("sync engine, search and sinks"),
  })
  .describe("Feature flags: branch on these, not on versions");

const healthResult = z.object({
  apiVersion: z.literal(API_VERSION),
  binary: z.object({ name: z.string(), version: z.string() }),
  daemon: daemonInfo,
  capabilities,
});

const empty = z.strictObject({});

export const ping = defineMethod({
  name: "ping",
  summary: "Liveness check",
  description: "Answers at once with {pong: true}. Served on every socket.",
  params: empty,
  result: z.object({ pong: z.literal(true) }),
  agent: true,
  example: { params: {}, result: { pong: true } },
});

export const health = defineMethod({
  name: "health",
  summary: "Compatibility handshake",
  description: "API version, binary name and version, daemon metadata and capability flags. Clients call it first and branch on capabilities.",
  params: empty,
  result: healthResult,
  agent: true,
});

export const status = defineMethod({
  name: "status",
  summary: "Daemon status",
  description: "Everything health returns, plus state, uptime, connection and request counters and memory use.",
  params: empty,
  result: healthResult.extend({
    state: z.enum(["running", "shutting_down"]),
    uptimeSecs: z.number().describe("Seconds since the daemon started"),
    connections: z.object({
      live: z.number().int().describe("Connections open now, this one included"),
      max: z.number().int().describe("maxConnections from config"),
      total: z.number().int().describe("Connections accepted since start"),
    }),
    requests: z.object({
      served: z.number().int().describe("Requests and notifications dispatched since start"),
      inFlight: z.number().int().describe("Requests being handled now, this one included"),
    }),
    memory: z.object({ rssBytes: z.number().int(), heapUsedBytes: z.number().int() }),
    projection: z
      .object({
        state: z.enum(["ok", "degraded", "rebuilding"]).describe("degraded: damaged or missing at start, rebuilding from the sources"),
        sessions: z.number().int(),
        events: z.number().int(),
        audit: z.number().int(),
        approvals: z.number().int(),
      })
      .optional(),
  }),
});

export const shutdown = defineMethod({
  name: "shutdown",
  summary: "Stop the daemon gracefully",
  description:
    "Answers first, then stops accepting connections, lets in-flight requests finish (bounded by shutdownGraceMs), disposes every resource in reverse order, removes the socket and lock, and exits 0. With live PTY or task sessions it refuses (`sessions_running`, listing them) unless `killSessions` is set.",
  params: z.strictObject({
    reason: z.string().max(200).optional().describe("Recorded in daemon.log"),
    killSessions: z
      .boolean()
      .optional()
      .describe(
        "Stop even with live sessions: PTYs get SIGHUP, SIGTERM at half of sessions.killGraceMs, SIGKILL at killGraceMs; tasks SIGTERM, then SIGKILL at killGraceMs",
      ),
  }),
  result: z.object({ stopping: z.literal(true), pid: z.number().int() }),
  example: { params: { reason: "upgrade" }, result: { stopping: true, pid: 4242 } },
});

export const discover = defineMethod({
  name: "rpc.discover",
  summary: "OpenRPC document",
  description: "The OpenRPC 1.3 document of every method on this socket, generated from the same schemas the server validates with.",
  params: empty,
  result: z.looseObject({
    openrpc: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    methods: z.array(z.looseObject({ name: z.string() })),
  }),
});
