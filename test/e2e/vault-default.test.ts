// One rule for the vault a read uses when it names none, in both modes: for the same config and the
// same vault files, `warden get` through the daemon and in direct mode pick the same vault (or refuse
// the same way), and audit the read the same way.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";

const PASS = "default-vault-PASSPHRASE";
let home: TempHome;
let passFile: string;
const cli = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) => runCli(args, { ...home.env, ...env }, 30_000, input);

/** What a read without --vault came to: the vault it picked, or how it was refused; and its audit record. */
interface Outcome {
  picked: string;
  /** A refusal's data.vaults: the vaults there are to name. */
  vaults?: string[];
  code: number | null;
  record: { action: string; outcome: string; kind?: string; vault?: string };
}

function lastGetRecord(): Outcome["record"] {
  const file = join(home.home, "audit", "testhost.jsonl");
  const records = existsSync(file)
    ? readFileSync(file, "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
  const get = records.filter((r) => r.action === "get").at(-1);
  assert.ok(get, "the read is audited");
  return { action: get.action, outcome: get.outcome, kind: get.kind, vault: get.vault };
}

/** The daemon's answer (no vault unlocked), then direct mode's on the same home once the daemon is gone. */
async function bothModes(): Promise<{ daemon: Outcome; direct: Outcome }> {
  const read = async (env: NodeJS.ProcessEnv): Promise<Outcome> => {
    const r = await cli(["get", "TOKEN", "--reason", "which vault", "--json"], env);
    const out = r.json();
    // Through the daemon a locked vault's refusal names the vault it picked; direct mode reads it.
    const picked = out.vault ?? (out.error.kind === "vault_locked" ? out.error.vault : `refused: ${out.error.kind} ${out.error.code}`);
    return { picked, vaults: out.error?.vaults, code: r.code, record: lastGetRecord() };
  };
  const d = await startTestDaemon(home);
  let daemon: Outcome;
  try {
    daemon = await read({});
  } finally {
    await d.kill();
  }
  const direct = await read({ WARDEN_NO_DAEMON: "1", WARDEN_PASSPHRASE_FILE: passFile });
  return { daemon, direct };
}

/** The records differ only where the modes do: the daemon's ok is vault_locked here, direct mode's a read. */
function sameChoice(daemon: Outcome, direct: Outcome): void {
  assert.equal(direct.picked, daemon.picked);
  assert.equal(direct.record.vault, daemon.record.vault);
}

async function initVault(vault: string): Promise<void> {
  assert.equal((await cli(["vault", "init", vault, "--passphrase-stdin"], {}, `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", vault, "TOKEN", "--passphrase-stdin"], {}, `${PASS}\nin-${vault}`)).code, 0);
}

before(() => {
  home = tempHome({ vault: { kdf: "interactive" } });
  passFile = join(home.home, "..", "pass.txt");
  writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
});
after(() => home?.cleanup());

describe("the default vault: one rule in the daemon and in direct mode", () => {
  it("no vault at all: both refuse with invalid_params, and audit the refusal alike", async () => {
    const { daemon, direct } = await bothModes();
    assert.equal(daemon.picked, "refused: invalid_params -32602");
    assert.deepEqual([direct.picked, direct.vaults, direct.code], [daemon.picked, [], daemon.code]);
    assert.deepEqual(direct.record, daemon.record);
    assert.deepEqual(direct.record, { action: "get", outcome: "error", kind: "invalid_params", vault: undefined });
  });

  it("a single vault: both pick it", async () => {
    await initVault("work");
    const { daemon, direct } = await bothModes();
    assert.equal(daemon.picked, "work");
    sameChoice(daemon, direct);
    assert.equal(direct.code, 0);
  });

  it("several vaults and no vault.default: both refuse with invalid_params, and audit the refusal alike", async () => {
    await initVault("home");
    const { daemon, direct } = await bothModes();
    assert.deepEqual([daemon.picked, daemon.vaults], ["refused: invalid_params -32602", ["home", "work"]]);
    assert.deepEqual([direct.picked, direct.vaults, direct.code], [daemon.picked, daemon.vaults, daemon.code]);
    assert.deepEqual(direct.record, daemon.record);
  });

  it("several vaults and a vault.default: both pick the default", async () => {
    writeFileSync(join(home.home, "config.json"), JSON.stringify({ vault: { kdf: "interactive", default: "home" } }));
    const { daemon, direct } = await bothModes();
    assert.equal(daemon.picked, "home");
    sameChoice(daemon, direct);
    assert.equal(direct.code, 0);
  });
});
