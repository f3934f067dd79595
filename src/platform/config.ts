// $WARDEN_HOME/config.json: optional, zod-validated, defaults when absent. An invalid file names
// the field and the daemon refuses to start on it. Each capability adds its own top-level key.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ENV_NAME_PATTERN, HARNESS_NAME_PATTERN, VAULT_NAME_PATTERN } from "../../protocol/patterns.js";
import { WardenError } from "./errors.js";
import { expandHome } from "./paths.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** An absolute path, where `~/` stands for the user's home ($HOME, not WARDEN_HOME). */
const configPath = () =>
  z
    .string()
    .max(4096)
    .transform((p) => expandHome(p))
    .pipe(z.string().startsWith("/", "an absolute path (or ~/…)"));

const transcriptRoot = (what: string) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      root: configPath().optional().describe("Where to look instead of the default"),
    })
    .prefault({})
    .describe(what);

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      maxLineBytes: z
        .number()
        .int()
        .min(KiB)
        .max(256 * MiB)
        .default(MiB)
        .describe("Longest accepted request line"),
      maxBatch: z.number().int().min(1).max(100_000).default(1000).describe("Most requests in one JSON-RPC batch"),
      maxConnections: z.number().int().min(1).max(65536).default(256).describe("People's connections open at once (agents' are counted apart)"),
      maxAgentConnections: z
        .number()
        .int()
        .min(1)
        .max(65536)
        .default(64)
        .describe("Connections open at once from sessions' agents (on either socket) and on agent.sock, all together"),
      maxConnectionsPerSession: z
        .number()
        .int()
        .min(1)
        .max(65536)
        .default(16)
        .describe("Connections open at once from one session's agents (those whose session cannot be told count as one)"),
      lineIdleMs: z
        .number()
        .int()
        .min(100)
        .max(3_600_000)
        .default(30_000)
        .describe("A request line must end within this long of its first byte, or the connection is closed"),
      maxClientBufferBytes: z
        .number()
        .int()
        .min(64 * KiB)
        .max(1024 * MiB)
        .default(16 * MiB)
        .describe("Unread output a client may leave queued before it is disconnected"),
      clientHighWaterBytes: z
        .number()
        .int()
        .min(16 * KiB)
        .default(MiB)
        .describe("Queued output above which the daemon stops reading that client's requests"),
      clientStallMs: z.number().int().min(100).default(30_000).describe("How long a client may stay above the high-water mark"),
      shutdownGraceMs: z.number().int().min(0).max(600_000).default(5_000).describe("Bound on waiting for in-flight requests at shutdown"),
    })
    .refine((s) => s.clientHighWaterBytes < s.maxClientBufferBytes, {
      message: "clientHighWaterBytes must be below maxClientBufferBytes",
      path: ["clientHighWaterBytes"],
    })
    .prefault({}),
  ledger: z
    .strictObject({
      durability: z.enum(["batch", "always", "none"]).default("batch").describe("fdatasync per batch, per append, or never"),
      flushMs: z.number().int().min(0).max(1000).default(10).describe("Longest an append waits for its batch"),
      maxBatchBytes: z
        .number()
        .int()
        .min(1024)
        .max(64 * MiB)
        .default(4 * MiB)
        .describe("A batch is synced once this much is waiting (each line is written at once)"),
      maxOpenFiles: z.number().int().min(4).max(65536).default(256).describe("Session files kept open at once"),
    })
    .prefault({}),
  vault: z
    .strictObject({
      idleSecs: z
        .number()
        .int()
        .min(1)
        .max(30 * 86400)
        .default(900)
        .describe("Lock a vault after this long without a read"),
      maxSecs: z
        .number()
        .int()
        .min(1)
        .max(30 * 86400)
        .default(28800)
        .describe("Lock a vault this long after unlock, whatever the use"),
      default: z.string().regex(VAULT_NAME_PATTERN).optional().describe("The vault `warden get` and vault.get use when none is named"),
      kdf: z.enum(["interactive", "moderate", "sensitive"]).default("moderate").describe("Argon2id cost for new vaults and rekeys"),
      rateLimit: z
        .strictObject({
          perSec: z.number().min(0.01).max(1_000_000).default(50).describe("vault.get calls per second an agent session may sustain"),
          burst: z.number().int().min(1).max(1_000_000).default(200).describe("vault.get calls an agent session may make at once, above the sustained rate"),
        })
        .prefault({})
        .describe("Rate limit on vault.get per agent session (people are not limited); past it: rate_limited"),
    })
    .prefault({}),
  approvals: z
    .strictObject({
      timeoutSecs: z
        .number()
        .int()
        .min(1)
        .max(30 * 86400)
        .default(300)
        .describe("A request for approval nobody decided within this long expires; also the default and longest wait of vault.get {wait: true}"),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(["debug", "info", "warn", "error"]).default("info"),
      maxBytes: z
        .number()
        .int()
        .min(64 * KiB)
        .default(10 * MiB)
        .describe("daemon.log is rotated to daemon.log.1 at start when larger"),
    })
    .prefault({}),
  sessions: z
    .strictObject({
      projects: z.array(configPath()).max(256).default([]).describe("Directories sessions may run in (each with everything under it); empty: the user's home"),
      harnesses: z
        .record(
          z.string().regex(HARNESS_NAME_PATTERN),
          z.strictObject({
            argv: z
              .array(z.string().max(4096))
              .min(1)
              .max(256)
              .transform(([cmd, ...args]) => [expandHome(cmd!), ...args])
              .describe("Command and its arguments; the command is looked up on PATH (`~/` is the user's home)"),
            env: z.record(z.string().regex(ENV_NAME_PATTERN), z.string().max(64 * KiB)).default({}),
          }),
        )
        .default({})
        .describe("Named agent harnesses (`shell` is built in: the user's $SHELL)"),
      coalesceMs: z.number().int().min(0).max(100).default(5).describe("Longest output waits to be batched into one event"),
      coalesceBytes: z
        .number()
        .int()
        .min(1024)
        .max(MiB)
        .default(64 * KiB)
        .describe("An output event is cut once this much has arrived"),
      maskHoldMs: z.number().int().min(0).max(1000).default(50).describe("Longest output that may be the start of a secret is held back"),
      killGraceMs: z
        .number()
        .int()
        .min(0)
        .max(60_000)
        .default(3000)
        .describe(
          "When the daemon stops with sessions running: SIGKILL this long after the first signal (PTYs: SIGHUP, then SIGTERM at half of it; tasks: SIGTERM)",
        ),
      maxLive: z.number().int().min(1).max(4096).default(256).describe("Sessions running at once"),
      scrollback: z.number().int().min(0).max(100_000).default(1000).describe("Lines the screen snapshot of a PTY session keeps above the screen"),
    })
    .prefault({}),
  sync: z
    .strictObject({
      reconcileSecs: z
        .number()
        .int()
        .min(1)
        .max(86400)
        .default(60)
        .describe("Full pass over every source file (a stat each); file events make changes show sooner"),
      debounceMs: z.number().int().min(0).max(10_000).default(50).describe("How long a burst of file events is gathered before it is applied"),
      watch: z.boolean().default(true).describe("Watch source directories for changes (the reconciler runs either way)"),
      sliceBytes: z
        .number()
        .int()
        .min(64 * KiB)
        .max(256 * MiB)
        .default(16 * MiB)
        .describe("Bytes one file is read for before other files (and requests) get a turn"),
      readerHeapMb: z
        .number()
        .int()
        .min(16)
        .max(65536)
        .default(2048)
        .describe(
          "Heap limit (MiB) of the thread that reads transcripts: one that needs more ends the thread (restarted; the file is skipped after 2 tries), never the daemon",
        ),
      claudeCode: transcriptRoot("Claude Code transcripts ($CLAUDE_CONFIG_DIR or ~/.claude, then projects/)"),
      codex: transcriptRoot("Codex rollouts ($CODEX_HOME or ~/.codex, then sessions/)"),
    })
    .prefault({}),
  sinks: z
    .array(
      z
        .strictObject({
          name: z.string().regex(VAULT_NAME_PATTERN).describe("How status and logs name it"),
          url: z
            .string()
            .regex(/^postgres(ql)?:\/\//, "a postgres:// URL")
            .max(4096)
            .optional()
            .describe("postgres://user:password@host/db (config.json is private to you)"),
          urlEnv: z.string().regex(ENV_NAME_PATTERN).optional().describe("Read the URL from this environment variable of the daemon instead"),
          intervalMs: z.number().int().min(100).max(86_400_000).default(5000).describe("Least time between two pushes"),
        })
        .refine((s) => (s.url === undefined) !== (s.urlEnv === undefined), { message: "give exactly one of url and urlEnv" }),
    )
    .max(16)
    .default([])
    .describe("PostgreSQL databases the daemon pushes the (masked) projection to, one way"),
  doctor: z
    .strictObject({
      minFreeBytes: z
        .number()
        .int()
        .min(0)
        .default(512 * MiB)
        .describe("Free space under WARDEN_HOME below which doctor warns"),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;

export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** Reads and validates the config file; a missing file means defaults. Throws `config_invalid`. */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return defaultConfig();
    throw new WardenError("config_invalid", `cannot read ${path}: ${(err as Error).message}`, { path });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new WardenError("config_invalid", `${path} is not valid JSON: ${(err as Error).message}`, {
      path,
      issues: [{ field: "(root)", message: "not valid JSON" }],
    });
  }
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    const path = i.code === "unrecognized_keys" ? [...i.path, i.keys.join(",")] : i.path;
    return { field: path.join(".") || "(root)", message: i.message };
  });
  const first = issues[0]!;
  throw new WardenError("config_invalid", `${path}: ${first.field}: ${first.message}`, { path, issues });
}
