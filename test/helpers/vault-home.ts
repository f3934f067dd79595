// The setup of the e2e tests about secrets in sessions: a temp home whose vault `work`
// (passphrase PASS, cheap KDF) holds the given values, a daemon on it, and a project directory
// sessions may run in.
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "./cli.js";
import { startTestDaemon, type TestDaemon } from "./daemon.js";
import { tempHome, type TempHome } from "./home.js";

export const PASS = "correct-horse-PASSPHRASE";

export interface VaultHome {
  home: TempHome;
  d: TestDaemon;
  c: RpcClient;
  project: string;
}

export async function startVaultHome(entries: Array<{ name: string; value: string; scope?: string }>): Promise<VaultHome> {
  const project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  const home = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project] } });
  const cli = (args: string[], input: string) => runCli(args, home.env, 30_000, input);
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  for (const e of entries) {
    const scope = e.scope ? ["--scope", e.scope] : [];
    assert.equal((await cli(["vault", "add", "work", e.name, ...scope, "--passphrase-stdin"], `${PASS}\n${e.value}\n`)).code, 0);
  }
  const d = await startTestDaemon(home);
  return { home, d, c: await RpcClient.connect(d.socket), project };
}

export async function stopVaultHome(v: Partial<VaultHome>): Promise<void> {
  v.c?.close();
  await v.d?.kill();
  v.home?.cleanup();
  if (v.project) rmSync(v.project, { recursive: true, force: true });
}
