// The one table of error codes and `data.kind` values. Codes are never renumbered; a kind, once
// published, keeps its code. Clients branch on `data.kind`, never on message text.

export const errorKinds = {
  // JSON-RPC 2.0 standard errors.
  parse_error: { code: -32700, summary: "The line is not valid JSON (or not valid UTF-8)." },
  invalid_request: { code: -32600, summary: "The JSON is not a valid JSON-RPC 2.0 request object." },
  line_too_long: { code: -32600, summary: "The line exceeded the server's maxLineBytes; it was discarded." },
  batch_too_large: { code: -32600, summary: "The batch has more members than the server's maxBatch; none was run." },
  method_not_found: { code: -32601, summary: "No method of that name on this socket." },
  invalid_params: { code: -32602, summary: "params do not match the method's schema; zod issues are in data.issues." },
  internal: { code: -32603, summary: "The server failed; details are in daemon.log, never in the reply." },

  // Application errors: the -32000..-32099 band.
  unavailable: { code: -32000, summary: "The daemon, or a resource it needs, is not available right now." },
  unsafe_path: {
    code: -32000,
    summary: "A file the daemon would write is a symlink (or otherwise unsafe); data.path names it. Nothing was written through it.",
  },
  shutting_down: { code: -32000, summary: "The daemon is shutting down and accepts no new work." },
  too_many_connections: {
    code: -32000,
    summary: "A connection limit is reached (data.limit: maxConnections, maxAgentConnections or maxConnectionsPerSession); this connection is closed.",
  },
  line_timeout: { code: -32000, summary: "A request line stayed unfinished for the server's lineIdleMs; the connection is closed." },
  denied: { code: -32001, summary: "The caller is not allowed to do this." },
  peer_denied: { code: -32001, summary: "The connecting process runs as another user; the connection is closed." },
  scope_denied: { code: -32001, summary: "The secret is limited to scopes and the request named none of them." },
  not_found: { code: -32002, summary: "The named object does not exist." },
  conflict: { code: -32003, summary: "The request conflicts with the current state." },
  sessions_running: {
    code: -32003,
    summary: "Stopping now would kill live sessions; data.sessions lists them ({id, title, pid, mode}). Pass killSessions to stop anyway.",
  },
  policy_violation: { code: -32004, summary: "The request is outside the configured policy boundary." },
  vault_locked: { code: -32005, summary: "The vault is not unlocked in the daemon (never, or locked, evicted or rekeyed since)." },
  bad_passphrase: { code: -32006, summary: "The passphrase (or key) does not open this vault." },
  vault_corrupt: { code: -32007, summary: "The vault file is damaged or was modified; data.path names it. Nothing was changed." },
  projection_corrupt: { code: -32008, summary: "A projection database (or backup) is damaged; data.path names it. Sources are untouched: rebuild." },
  rate_limited: { code: -32009, summary: "Too many calls from this agent session (config vault.rateLimit); data.retryAfterMs says when to try again." },
  approval_pending: {
    code: -32010,
    summary: "The read needs a person's approval; data.request is the request id (decide with `warden approve` / approvals.decide, or call again with wait).",
  },
  approval_denied: { code: -32011, summary: "A person denied the approval request (data.request); data.reason when they gave one." },
  approval_expired: { code: -32012, summary: "The approval request (data.request) was not decided within approvals.timeoutSecs, or its waiter went away." },
} as const satisfies Record<string, { code: number; summary: string }>;

export type ErrorKind = keyof typeof errorKinds;

/** The `error` member of a JSON-RPC response as warden sends it. */
export interface WireError {
  code: number;
  message: string;
  data?: { kind: ErrorKind | (string & {}); [key: string]: unknown };
}
