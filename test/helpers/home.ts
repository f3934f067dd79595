import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TempHome {
  home: string;
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
  const env: NodeJS.ProcessEnv = { ...process.env, WARDEN_HOME: home, WARDEN_HOST: "testhost", NO_COLOR: "1" };
  // Nothing from the developer's shell may steer a test.
  for (const k of ["WARDEN_SOCKET", "WARDEN_PASSPHRASE_FILE", "WARDEN_NO_DAEMON"]) delete env[k];
  const runRoot = join(home, "run", "testhost");
  return { home, runRoot, socket: join(runRoot, "warden.sock"), env, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
