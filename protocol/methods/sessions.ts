// Sessions: log sessions (open, close), PTY and task sessions (launch, input, resize, kill,
// snapshot), and what every session shares (list, get, archive).
import { z } from "zod";
import { cursor, jsonObject, sessionId } from "../fields.js";
import { defineMethod } from "../method.js";
import { ENV_NAME_PATTERN, HARNESS_NAME_PATTERN, SCOPE_PATTERN, SECRET_REF_PATTERN } from "../patterns.js";

/** What a session's state can be: log sessions open, closed; PTY and task sessions running, exited, failed; transcripts imported. */
export const SESSION_STATES = ["open", "closed", "running", "exited", "failed", "imported"] as const;

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

/** What launch and exit events say about a PTY or task session; the projection keeps it as JSON. */
export type ProcessInfo = z.output<typeof processInfo>;

const scopeName = z.string().regex(SCOPE_PATTERN, "1 to 128 printable ASCII characters, no spaces");
const secretRef = z.string().regex(SECRET_REF_PATTERN, "VAULT/NAME").describe("VAULT/NAME");
/** A session's credential scope as launch and setScope take it: at most 32 scopes and 256 entries named VAULT/NAME. */
const scopesParam = z.array(scopeName).max(32);
const allowParam = z.array(secretRef).max(256);

export const credentials = z
  .object({
    scopes: z.array(z.string()).describe("The scopes the session's agent reads under"),
    allow: z.array(z.string()).describe("Entries (VAULT/NAME) its agent may read whatever their scopes"),
  })
  .describe("A session's credential scope: what its agent may read without a person's approval");

/** A session's credential scope on the wire (the vault's CredentialScope). */
export type Credentials = z.output<typeof credentials>;

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
    .describe(
      "PTY and task sessions of this host: whether the process runs now, checked against its pid and start time; null for log sessions and other hosts'",
    ),
  process: processInfo.nullable().describe("PTY and task sessions: what was launched and how it ended"),
  source: z.enum(["warden", "claude-code", "codex"]).describe("warden: recorded by a warden daemon; else the tool whose transcript it was imported from"),
  sourceMissing: z.boolean().describe("The file it came from is gone; its history stays"),
  credentials: credentials
    .nullable()
    .describe("PTY and task sessions: the credential scope set at launch and by sessions.setScope (the latest); null for log and imported sessions"),
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

const envName = z.string().regex(ENV_NAME_PATTERN);

/** Signals a client may send to a session's process group. */
export const SIGNALS = ["SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT", "SIGWINCH"] as const;

export const launch = defineMethod({
  name: "sessions.launch",
  summary: "Start a harness or command in a PTY, or as a task",
  description:
    "Runs a configured harness (`shell` is built in) or an argv, in cwd, which must lie inside a configured project root (default: the user's home). Secrets named VAULT/NAME are read from unlocked vaults (audited like vault.get) and put in the environment, and from then on masked in everything the session records. The child gets WARDEN_SESSION_ID and WARDEN_SOCKET (the restricted agent socket); it and every process it starts are the session's agents on either socket. mode pty gives it a terminal of cols x rows; mode task runs it without one, stdout and stderr kept apart. Answers once the launch event is recorded: nothing is started on any error.\n\nscopes and allow are the session's credential scope, the only source of truth for its agent: a vault.get from a process of the session is served when the entry shares one of `scopes` or is named in `allow`, whatever scope it declares (declaring one outside `scopes` is scope_denied); anything else needs a person's approval. Absent, they are empty: the agent reads nothing without approval. The secrets injected at launch are read by the person launching: an entry with scopes is injected only when it shares one with `scopes` (else scope_denied); an entry without scopes always is.",
  params: z
    .strictObject({
      harness: z.string().regex(HARNESS_NAME_PATTERN).optional().describe("A harness from config, or `shell`"),
      argv: z
        .array(z.string().max(64 * 1024))
        .min(1)
        .max(1024)
        .optional()
        .describe("The command and its arguments (instead of harness); the command is looked up on PATH"),
      args: z
        .array(z.string().max(64 * 1024))
        .max(1024)
        .optional()
        .describe("With harness: arguments appended to its argv"),
      cwd: z.string().min(1).max(4096).describe("Absolute working directory; resolved (symlinks followed) before the policy check"),
      env: z
        .record(envName, z.string().max(128 * 1024))
        .optional()
        .describe("Extra environment (no secrets: use secrets)"),
      secrets: z.record(envName, secretRef).optional().describe("ENV: VAULT/NAME"),
      scopes: scopesParam.optional().describe("The session's credential scopes (also presented for the injected secrets)"),
      allow: allowParam.optional().describe("Entries (VAULT/NAME) the session's agent may read whatever their scopes"),
      reason: z.string().max(500).optional().describe("Why the secrets are needed (audited)"),
      cols: z.number().int().min(2).max(1000).default(80),
      rows: z.number().int().min(2).max(1000).default(24),
      title: z.string().min(1).max(500).optional(),
      mode: z.enum(["pty", "task"]).default("pty"),
    })
    .refine((p) => (p.harness === undefined) !== (p.argv === undefined), { message: "give exactly one of harness and argv", path: ["harness"] })
    .refine((p) => p.args === undefined || p.harness !== undefined, { message: "args go with harness; with argv, put them in argv", path: ["args"] }),
  result: session,
  errors: ["policy_violation", "not_found", "vault_locked", "scope_denied", "conflict", "unavailable"],
  example: {
    params: { harness: "shell", cwd: "/home/me/project", cols: 120, rows: 40 },
    result: {
      id: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11",
      host: "laptop",
      kind: "pty",
      title: "shell",
      state: "running",
      createdAt: "2026-11-23T10:00:00.000Z",
      updatedAt: "2026-11-23T10:00:00.000Z",
      lastSeq: 1,
      meta: null,
      archived: false,
      live: true,
      process: { mode: "pty", harness: "shell", argv: ["/bin/bash"], cwd: "/home/me/project", pid: 41235, exit: null },
      source: "warden",
      sourceMissing: false,
      credentials: { scopes: [], allow: [] },
    },
  },
});

export const setScope = defineMethod({
  name: "sessions.setScope",
  summary: "Change a running session's credential scope",
  description:
    "Replaces the session's credential scope (scopes and allow, as sessions.launch takes them) from the next read of its agent on; reads already answered stay answered. Recorded as a `scope` event in the session's ledger and as a `set_scope` audit record. Never served to a session's agent (on either socket): an agent cannot widen its own scope. Only a running session of this host (else conflict).",
  params: z.strictObject({
    session: sessionId,
    scopes: scopesParam.default([]),
    allow: allowParam.default([]),
  }),
  result: z.object({ session: z.string(), seq: z.number().int().describe("The `scope` event"), credentials }),
  errors: ["not_found", "conflict", "denied", "unavailable"],
  example: {
    params: { session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11", scopes: ["dev"], allow: ["work/GITHUB_TOKEN"] },
    result: { session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11", seq: 42, credentials: { scopes: ["dev"], allow: ["work/GITHUB_TOKEN"] } },
  },
});

export const input = defineMethod({
  name: "sessions.input",
  summary: "Type into a session",
  description:
    "Writes data to the session's terminal (task mode: its stdin) at once. Input is recorded as `input` events, coalesced and masked like output (so a secret typed one key at a time is still masked); typing at a password prompt (the terminal in line mode with echo off, as getpass, sudo and `read -s` set it) is recorded as its length only. eof closes a task's stdin after data.",
  params: z.strictObject({
    session: sessionId,
    data: z
      .string()
      .max(1024 * 1024)
      .default(""),
    encoding: z.enum(["utf8", "base64"]).default("utf8"),
    eof: z.boolean().default(false).describe("Task mode: close stdin after writing"),
  }),
  result: z.object({ bytes: z.number().int().describe("Bytes written") }),
  errors: ["not_found", "conflict"],
});

export const resize = defineMethod({
  name: "sessions.resize",
  summary: "Resize a session's terminal",
  description: "The child sees the new size (SIGWINCH); a `resize` event is recorded.",
  params: z.strictObject({ session: sessionId, cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(1000) }),
  result: z.object({ seq: z.number().int() }),
  errors: ["not_found", "conflict"],
});

export const kill = defineMethod({
  name: "sessions.kill",
  summary: "Signal a session's process group",
  description: "Sends the signal to every process in the session's process group. The `exit` event follows when the process ends.",
  params: z.strictObject({
    session: sessionId,
    signal: z
      .enum(SIGNALS)
      .optional()
      .describe("Default: SIGHUP for a PTY session (what closing its terminal sends; interactive shells ignore SIGTERM), SIGTERM for a task"),
  }),
  result: z.object({ session: z.string(), signal: z.string(), pid: z.number().int() }),
  errors: ["not_found", "conflict"],
});

export const archive = defineMethod({
  name: "sessions.archive",
  summary: "Hide a finished session from default lists",
  description: "Records an `archive` event; the history stays readable. A running session must be killed first (conflict). Only this host's sessions.",
  params: z.strictObject({ session: sessionId }),
  result: session,
  errors: ["not_found", "conflict"],
});

export const snapshot = defineMethod({
  name: "sessions.snapshot",
  summary: "The session's current screen",
  description:
    "The terminal as a headless emulator fed from its output sees it: `screen` is the escape sequences that redraw it (with up to `scrollback` lines above), cursor and modes included, so attaching to vim or an agent TUI shows the right screen. Subscribe with after = seq to continue from exactly there. For a session no longer running, the screen is rebuilt from its recorded output (the last 4 MiB).",
  params: z.strictObject({ session: sessionId, scrollback: z.number().int().min(0).max(100_000).default(0) }),
  result: z.object({
    session: z.string(),
    seq: z.number().int().describe("The last event the screen includes"),
    cols: z.number().int(),
    rows: z.number().int(),
    screen: z.string(),
    live: z.boolean(),
  }),
  errors: ["not_found", "conflict"],
});
