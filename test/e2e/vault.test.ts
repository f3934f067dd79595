// The vault end to end: real CLI, real daemon, real files.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { auditHeadSeq, tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "hunter2-PASSPHRASE";
const SECRET = "sk-live-SECRETVALUE-0123456789";
let home: TempHome;
let d: TestDaemon;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

before(async () => {
  home = tempHome({ vault: { kdf: "interactive" }, log: { level: "debug" } }); // debug: every request is logged
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "OPENAI_KEY", "--scope", "dev", "--scope", "ci", "--passphrase-stdin"], `${PASS}\n${SECRET}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "PLAIN", "--passphrase-stdin"], `${PASS}\nplain-value`)).code, 0);
  d = await startTestDaemon(home);
});
after(async () => {
  await d?.kill();
  home?.cleanup();
});

describe("vault through the daemon", () => {
  it("answers vault_locked before unlock, then serves after", async () => {
    const locked = await cli(["get", "PLAIN", "--vault", "work", "--reason", "t", "--json"]);
    assert.equal(locked.code, 1);
    assert.equal(locked.json().error.kind, "vault_locked");
    const unlock = await cli(["vault", "unlock", "work", "--passphrase-stdin", "--json"], `${PASS}\n`);
    assert.equal(unlock.code, 0, unlock.stdout + unlock.stderr);
    assert.equal(unlock.json().idleSecs, 900);
    const got = await cli(["get", "PLAIN", "--vault", "work", "--reason", "t"]);
    assert.equal(got.code, 0);
    assert.equal(got.stdout, "plain-value", "the value alone, no newline when not a terminal");
  });

  it("enforces scopes: scope_denied without a matching scope", async () => {
    const none = await cli(["get", "OPENAI_KEY", "--vault", "work", "--reason", "t", "--json"]);
    assert.equal(none.json().error.kind, "scope_denied");
    const wrong = await cli(["get", "OPENAI_KEY", "--vault", "work", "--scope", "prod", "--reason", "t", "--json"]);
    assert.equal(wrong.json().error.kind, "scope_denied");
    assert.equal(wrong.json().error.code, -32001);
    assert.ok(!/\b(dev|ci)\b/.test(JSON.stringify(wrong.json().error)), "the refusal does not tell which scopes would do");
    const ok = await cli(["get", "OPENAI_KEY", "--vault", "work", "--scope", "ci", "--reason", "t"]);
    assert.equal(ok.stdout, SECRET);
  });

  it("requires a bounded reason", async () => {
    const cliMissing = await cli(["get", "PLAIN", "--vault", "work", "--json"]);
    assert.equal(cliMissing.code, 2);
    assert.equal(cliMissing.json().error.kind, "usage");
    const c = await RpcClient.connect(d.socket);
    try {
      await assert.rejects(c.call("vault.get", { vault: "work", name: "PLAIN" } as never), (e: any) => e.kind === "invalid_params");
      await assert.rejects(c.call("vault.get", { vault: "work", name: "PLAIN", reason: "x".repeat(501) }), (e: any) => e.kind === "invalid_params");
    } finally {
      c.close();
    }
  });

  it("answers not_found for an unknown name or vault", async () => {
    assert.equal((await cli(["get", "NOPE", "--vault", "work", "--reason", "t", "--json"])).json().error.kind, "not_found");
    assert.equal((await cli(["get", "X", "--vault", "other", "--reason", "t", "--json"])).json().error.kind, "not_found");
  });

  it("sees a change made with the CLI on the next read", async () => {
    assert.equal((await cli(["vault", "set", "work", "PLAIN", "--passphrase-stdin"], `${PASS}\nrotated`)).code, 0);
    assert.equal((await cli(["get", "PLAIN", "--vault", "work", "--reason", "t"])).stdout, "rotated");
  });

  it("slows failed unlocks, concurrent ones included, and a wrong key changes nothing", async () => {
    const bad = Buffer.alloc(32, 9).toString("base64");
    const batch = [0, 1, 2].map((i) => ({ jsonrpc: "2.0", id: i, method: "vault.unlock", params: { vault: "work", key: bad } }));
    const t0 = Date.now();
    const { RawClient } = await import("../helpers/raw-client.js");
    const raw = await RawClient.connect(d.socket);
    try {
      const replies = await raw.request(batch);
      assert.deepEqual(
        replies.map((r: any) => r.error.data.kind),
        ["bad_passphrase", "bad_passphrase", "bad_passphrase"],
      );
      assert.ok(Date.now() - t0 >= 700, `three guesses at once were still spaced out (250 + 500 ms), took ${Date.now() - t0} ms`);
    } finally {
      raw.close();
    }
    const c = await RpcClient.connect(d.socket);
    try {
      assert.deepEqual(
        (await c.call("vault.status")).vaults.map((v) => v.vault),
        ["work"],
        "still unlocked with the good key",
      );
    } finally {
      c.close();
    }
  });

  it("runs a command with secrets in its environment and passes its exit status", async () => {
    const r = await cli([
      "exec",
      "--secret",
      "K=work/OPENAI_KEY",
      "--secret",
      "P=work/PLAIN",
      "--scope",
      "dev",
      "--reason",
      "t",
      "--",
      "sh",
      "-c",
      'printf "%s|%s" "$K" "$P"; exit 7',
    ]);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, `${SECRET}|rotated`);
    const killed = await cli(["exec", "--secret", "P=work/PLAIN", "--reason", "t", "--", "sh", "-c", "kill -TERM $$"]);
    assert.equal(killed.code, null, "warden died of the same signal as its command");
    const denied = await cli(["exec", "--secret", "K=work/OPENAI_KEY", "--reason", "t", "--json", "--", "true"]);
    assert.equal(denied.json().error.kind, "scope_denied");
    const bad = await cli(["exec", "--secret", "1BAD=work/PLAIN", "--reason", "t", "--", "true"]);
    assert.equal(bad.code, 2);
    const mask = await cli(["exec", "--secret", "P=work/PLAIN", "--reason", "t", "--", "sh", "-c", "umask"]);
    assert.equal(parseInt(mask.stdout.trim(), 8), process.umask(), "the command runs with the user's umask, not warden's 077");
    const piped = await cli(["exec", "--secret", "P=work/PLAIN", "--reason", "t", "--", "sh", "-c", "kill -PIPE $$"]);
    assert.equal(piped.code, 128 + 13, "SIGPIPE, which Node ignores, still shows as 141");
    const crashed = await cli(["exec", "--secret", "P=work/PLAIN", "--reason", "t", "--", "sh", "-c", "kill -SEGV $$"]);
    assert.equal(crashed.code, 128 + 11, "a crash shows as 139; warden itself does not dump core");
  });

  it("locks on an idle timer, and the eviction is audited", async () => {
    assert.equal((await cli(["vault", "unlock", "work", "--idle", "1s", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    await pollUntil(async () => (await cli(["vault", "status", "--json"])).json().vaults.length === 0, { what: "the idle eviction" });
    const records = (await cli(["audit", "list", "--json"])).json().records;
    assert.equal(records[0].action, "evict", "newest first");
    assert.equal(records[0].detail.reason, "idle");
  });

  it("drops its key when the vault is rekeyed, answering vault_locked", async () => {
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await cli(["vault", "rekey", "work", "--passphrase-stdin"], `${PASS}\nnew-pass\nnew-pass\n`)).code, 0);
    const r = await cli(["get", "PLAIN", "--vault", "work", "--reason", "t", "--json"]);
    assert.equal(r.json().error.kind, "vault_locked");
    assert.equal(r.json().error.reason, "rekeyed");
    assert.equal((await cli(["vault", "rekey", "work", "--passphrase-stdin"], `new-pass\n${PASS}\n${PASS}\n`)).code, 0);
  });

  it("audits every read with the observed peer and a verifiable chain, never the value", async () => {
    const list = (await cli(["audit", "list", "--limit", "1000", "--json"])).json().records;
    const gets = list.filter((r: any) => r.action === "get");
    assert.ok(gets.length >= 5);
    const denied = gets.find((r: any) => r.kind === "scope_denied");
    assert.equal(denied.outcome, "denied");
    const ok = gets.find((r: any) => r.outcome === "ok" && r.name === "OPENAI_KEY" && r.caller === undefined && r.scope === "ci");
    assert.ok(ok, "the warden get --scope ci read is on record");
    assert.equal(ok.reason, "t");
    assert.equal(ok.peer.uid, process.getuid!());
    assert.equal(ok.peer.exe, process.execPath);
    assert.ok(ok.peer.argv.some((a: string) => a.endsWith("warden.js")));
    const verify = await cli(["audit", "verify", "--json"]);
    assert.equal(verify.code, 0);
    assert.equal(verify.json().ok, true);
    const text = readFileSync(join(home.home, "audit", "testhost.jsonl"), "utf8");
    assert.ok(!text.includes(SECRET) && !text.includes("rotated") && !text.includes(PASS));
  });

  it("never writes a secret or passphrase to daemon.log", () => {
    const log = readFileSync(join(home.runRoot, "daemon.log"), "utf8") + d.stderr();
    for (const s of [SECRET, "rotated", PASS, "new-pass"]) assert.ok(!log.includes(s), s);
  });
});

describe("input checks", () => {
  it("refuses a value with a NUL byte, and scopes a get could never name", async () => {
    const nul = await cli(["vault", "add", "work", "NUL", "--passphrase-stdin", "--json"], `${PASS}\nab\u0000cd`);
    assert.equal(nul.code, 2);
    assert.equal(nul.json().error.kind, "usage");
    const spaced = await cli(["vault", "add", "work", "S", "--scope", "has space", "--passphrase-stdin", "--json"], `${PASS}\nv`);
    assert.equal(spaced.json().error.kind, "usage");
  });

  it("takes --passphrase-stdin over WARDEN_PASSPHRASE_FILE, so no passphrase line ends up in a value", async () => {
    const file = join(home.home, "..", "pf.txt");
    writeFileSync(file, `${PASS}\n`, { mode: 0o600 });
    const r = await runCli(
      ["vault", "add", "work", "PRECEDENCE", "--passphrase-stdin"],
      { ...home.env, WARDEN_PASSPHRASE_FILE: file },
      30_000,
      `${PASS}\nonly-this`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await cli(["get", "PRECEDENCE", "--vault", "work", "--reason", "t"])).stdout, "only-this");
  });

  it("hands an option missing its value to clipanion instead of taking the next option as the value", async () => {
    const r = await cli(["get", "PLAIN", "--vault", "work", "--reason", "--json"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "", "no value printed");
  });
});

describe("audit verify", () => {
  it("names the first record that was edited", async () => {
    const path = join(home.home, "audit", "testhost.jsonl");
    const original = readFileSync(path, "utf8");
    const lines = original.trimEnd().split("\n");
    const target = lines.findIndex((l) => l.includes('"action":"get"'));
    lines[target] = lines[target]!.replace('"reason":"t"', '"reason":"innocent"');
    writeFileSync(path, lines.join("\n") + "\n");
    try {
      const r = await cli(["audit", "verify", "--json"]);
      assert.equal(r.code, 1);
      assert.equal(r.json().firstBroken.line, target + 1);
      assert.equal(r.json().firstBroken.kind, "hash");
    } finally {
      writeFileSync(path, original);
    }
  });

  it("catches a log cut back before the head the daemon synced", async () => {
    const path = join(home.home, "audit", "testhost.jsonl");
    const original = readFileSync(path, "utf8");
    const lines = original.trimEnd().split("\n");
    // The daemon records the head it synced (once a second): wait until it has the last record.
    await pollUntil(() => auditHeadSeq(home) === lines.length, { what: `the synced audit head at seq ${lines.length}`, tolerate: true });
    writeFileSync(path, lines.slice(0, -2).join("\n") + "\n");
    try {
      const r = await cli(["audit", "verify", "--json"]);
      assert.equal(r.code, 1);
      assert.equal(r.json().firstBroken.kind, "truncated");
    } finally {
      writeFileSync(path, original);
    }
  });
});

describe("doctor on vaults and the audit log", () => {
  it("reports a well-formed vault and an intact chain, then a damaged vault and an edited record", async () => {
    const healthy = (await cli(["daemon", "doctor", "--json"])).json();
    const check = (r: any, name: string) => r.doctor.checks.find((c: any) => c.name === name);
    assert.equal(check(healthy, "vaults").state, "ok");
    assert.equal(check(healthy, "audit_chain").state, "ok");

    const vaultFile = join(home.home, "vaults", "work.vault");
    const auditFile = join(home.home, "audit", "testhost.jsonl");
    const [vaultText, auditText] = [readFileSync(vaultFile, "utf8"), readFileSync(auditFile, "utf8")];
    try {
      writeFileSync(vaultFile, vaultText.replace('"version": 1', '"version": 1 ').replace(/"checksum": "[0-9a-f]{4}/, '"checksum": "0000'));
      writeFileSync(auditFile, auditText.replace('"outcome":"ok"', '"outcome":"denied"'));
      const broken = await cli(["daemon", "doctor", "--json"]);
      assert.equal(broken.code, 1);
      assert.equal(check(broken.json(), "vaults").state, "failed");
      assert.equal(check(broken.json(), "audit_chain").state, "failed");
      const ids = broken.json().repair_actions.map((a: any) => [a.id, a.risk]);
      assert.deepEqual(
        ids.filter((x: string[]) => x[0] === "restore_vault" || x[0] === "inspect_audit"),
        [
          ["restore_vault", "requires_manual_review"],
          ["inspect_audit", "requires_manual_review"],
        ],
      );
    } finally {
      writeFileSync(vaultFile, vaultText);
      writeFileSync(auditFile, auditText);
    }
  });
});
