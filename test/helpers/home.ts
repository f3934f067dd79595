import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempHome {
  home: string;
  /** Where the daemon looks for Claude Code transcripts (CLAUDE_CONFIG_DIR/projects) and Codex rollouts (CODEX_HOME/sessions). */
  claudeProjects: string;
  codexSessions: string;
  runRoot: string;
  socket: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * A fresh WARDEN_HOME (not yet created, unless a config is given) under the system temp dir, kept
 * short so socket paths stay under 107 bytes. WARDEN_HOST is pinned so paths are predictable.
 */
export function tempHome(config?: object): TempHome {
  const base = mkdtempSync(join(tmpdir(), "wd-"));
  const home = join(base, "h");
  if (config) {
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(join(home, "config.json"), JSON.stringify(config));
  }
  // Claude Code's and Codex's homes too: a daemon under test imports transcripts from here, never the developer's.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WARDEN_HOME: home,
    WARDEN_HOST: "testhost",
    NO_COLOR: "1",
    CLAUDE_CONFIG_DIR: join(base, "claude"),
    CODEX_HOME: join(base, "codex"),
  };
  // Nothing from the developer's shell may steer a test.
  for (const k of ["WARDEN_SOCKET", "WARDEN_PASSPHRASE_FILE", "WARDEN_NO_DAEMON"]) delete env[k];
  const runRoot = join(home, "run", "testhost");
  return {
    home,
    claudeProjects: join(base, "claude", "projects"),
    codexSessions: join(base, "codex", "sessions"),
    runRoot,
    socket: join(runRoot, "warden.sock"),
    env,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * A first run's home: only a fresh $HOME (short, so the socket at $HOME/.warden/run/testhost fits),
 * no config, no WARDEN_HOME, nothing from the developer's shell; warden finds ~/.warden by itself.
 * `cleanup` removes the whole $HOME.
 */
export function firstRunHome(extraEnv: NodeJS.ProcessEnv = {}): TempHome & { userHome: string } {
  const userHome = realpathSync(mkdtempSync(join(tmpdir(), "wh-")));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: userHome, WARDEN_HOST: "testhost", NO_COLOR: "1", ...extraEnv };
  for (const k of ["WARDEN_HOME", "WARDEN_SOCKET", "WARDEN_PASSPHRASE_FILE", "WARDEN_NO_DAEMON", "CLAUDE_CONFIG_DIR", "CODEX_HOME", "XDG_CONFIG_HOME"])
    delete env[k];
  const home = join(userHome, ".warden");
  const runRoot = join(home, "run", "testhost");
  return {
    userHome,
    home,
    claudeProjects: join(userHome, ".claude", "projects"),
    codexSessions: join(userHome, ".codex", "sessions"),
    runRoot,
    socket: join(runRoot, "warden.sock"),
    env,
    cleanup: () => rmSync(userHome, { recursive: true, force: true }),
  };
}

/**
 * Every byte warden has stored under a home, as latin1: the ledger files, the audit log and the
 * projection with its WAL (for "a secret never reaches disk" checks).
 */
export function storedBytes(h: TempHome, host = "testhost"): string {
  const parts: string[] = [];
  const all = (dir: string, keep: (f: string) => boolean = () => true) => {
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (keep(f)) parts.push(readFileSync(join(dir, f), "latin1"));
  };
  all(join(h.home, "ledger", host));
  all(join(h.home, "audit"), (f) => f.endsWith(".jsonl"));
  all(h.runRoot, (f) => f.startsWith("projection.sqlite"));
  return parts.join("\n");
}

/** The seq of the audit head the daemon last synced to run/<host>/audit-head.json (0 before its first sync). */
export function auditHeadSeq(h: TempHome): number {
  const path = join(h.runRoot, "audit-head.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { seq: number }).seq : 0;
}
