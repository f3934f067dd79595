// Where everything lives (DESIGN.md, Storage). Cheap to import: the CLI's hot paths use it.
import { homedir, hostname } from "node:os";
import { join, resolve } from "node:path";

export interface WardenPaths {
  /** Source-store root: authoritative, safe to sync. */
  home: string;
  /** Sanitized host name; names this host's run root and source files. */
  host: string;
  /** Host-local runtime directory: never synced. */
  runRoot: string;
  socket: string;
  agentSocket: string;
  lock: string;
  metadata: string;
  log: string;
  config: string;
  /** Source store: encrypted vault files. */
  vaults: string;
  /** Source store: this host's hash-chained audit log. */
  audit: string;
  /** Runtime: the audit chain's last synced head, to catch a truncated or rolled-back log. */
  auditHead: string;
  /** Source store: this host's signed Merkle checkpoints of its audit log (audit/<host>.checkpoints). */
  auditCheckpoints: string;
  /** Source store: this host's audit verifier key, C2SP form (keys/<host>.audit.pub): other hosts check with it. */
  auditPublicKey: string;
  /** Host-local secret, never synced: the Ed25519 seed that signs this host's checkpoints (private/<host>/audit-signing.key, 0600). */
  auditSigningKey: string;
  /** Source store: this host's session event logs (ledger/<host>/<session>.jsonl). */
  ledger: string;
  /** Runtime: the SQLite projection. */
  projection: string;
  backups: string;
  /** Host-local secrets, never synced: private/<host>. */
  privateDir: string;
  /** The daemon's own key for keyed digests (32 random bytes, 0600). */
  daemonKey: string;
  /** Runtime: keyed digests of every value ever masked, so they stay masked with the vault locked. */
  maskedDigests: string;
  /** Runtime: when masked history was last rewritten (doctor compares backups with it). */
  remaskState: string;
}

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** A host name safe as one path component: lower case, [a-z0-9._-], no leading dot, <= 63 bytes. */
export function sanitizeHost(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 63)
    .replace(/[.-]+$/, "");
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "localhost" : cleaned;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): WardenPaths {
  const home = resolve(env.WARDEN_HOME || join(homedir(), ".warden"));
  const host = sanitizeHost(env.WARDEN_HOST || hostname());
  const runRoot = join(home, "run", host);
  return {
    home,
    host,
    runRoot,
    socket: join(runRoot, "warden.sock"),
    agentSocket: join(runRoot, "agent.sock"),
    lock: join(runRoot, "daemon.lock"),
    metadata: join(runRoot, "daemon.json"),
    log: join(runRoot, "daemon.log"),
    config: join(home, "config.json"),
    vaults: join(home, "vaults"),
    audit: join(home, "audit", `${host}.jsonl`),
    auditHead: join(runRoot, "audit-head.json"),
    auditCheckpoints: join(home, "audit", `${host}.checkpoints`),
    auditPublicKey: join(home, "keys", `${host}.audit.pub`),
    auditSigningKey: join(home, "private", host, "audit-signing.key"),
    ledger: join(home, "ledger", host),
    projection: join(runRoot, "projection.sqlite"),
    backups: join(runRoot, "backups"),
    privateDir: join(home, "private", host),
    daemonKey: join(home, "private", host, "daemon.key"),
    maskedDigests: join(runRoot, "masked-digests"),
    remaskState: join(runRoot, "remask.json"),
  };
}

/** The user's home directory ($HOME, else the password database's): the default project root and what `~/` means. Not WARDEN_HOME. */
export function userHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOME || homedir());
}

/** `~` and `~/…` as the user's home; any other path as given. */
export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path === "~") return userHome(env);
  return path.startsWith("~/") ? join(userHome(env), path.slice(2)) : path;
}

/** The socket a client talks to: WARDEN_SOCKET when set, else this host's warden.sock. */
export function clientSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WARDEN_SOCKET ? resolve(env.WARDEN_SOCKET) : resolvePaths(env).socket;
}

/** The audit log of `host` (this host's when omitted): other hosts' logs arrive by file sync. */
export function auditFileOf(paths: WardenPaths, host?: string): string {
  return host ? join(paths.home, "audit", `${sanitizeHost(host)}.jsonl`) : paths.audit;
}
