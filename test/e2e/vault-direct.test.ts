// Reads with no daemon: straight from the vault file, still policed and audited.
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { tempHome, type TempHome } from "../helpers/home.js";

const PASS = "direct-PASSPHRASE";
let home: TempHome;
let passFile: string;
const cli = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) => runCli(args, { ...home.env, ...env }, 30_000, input);

before(async () => {
  home = tempHome({ vault: { kdf: "interactive" } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], {}, `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "TOKEN", "--scope", "ci", "--passphrase-stdin"], {}, `${PASS}\ntok-123`)).code, 0);
  passFile = join(home.home, "..", "pass.txt");
  writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
});
after(() => home?.cleanup());

describe("direct mode (no daemon)", () => {
  it("reads with WARDEN_PASSPHRASE_FILE, applies scopes, and audits with mode direct", async () => {
    const r = await cli(["get", "TOKEN", "--scope", "ci", "--reason", "offline"], { WARDEN_PASSPHRASE_FILE: passFile });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "tok-123");
    assert.match(r.stderr, /reading the vault directly/);
    const denied = await cli(["get", "TOKEN", "--reason", "offline", "--json"], { WARDEN_PASSPHRASE_FILE: passFile });
    assert.equal(denied.json().error.kind, "scope_denied");
    const records = (await cli(["audit", "list", "--json"])).json().records;
    assert.deepEqual(
      records.map((x: any) => [x.action, x.outcome, x.detail?.mode]),
      [
        ["get", "denied", "direct"],
        ["get", "ok", "direct"],
      ],
    );
    assert.equal((await cli(["audit", "verify"])).code, 0);
  });

  it("fails at once, without hanging, when there is no terminal and no passphrase file", async () => {
    const t0 = Date.now();
    const r = await cli(["get", "TOKEN", "--vault", "work", "--scope", "ci", "--reason", "x", "--json"], {}, "");
    assert.equal(r.code, 1);
    assert.equal(r.json().error.kind, "no_tty");
    assert.ok(Date.now() - t0 < 10_000);
  });

  it("refuses a passphrase file other users can read", async () => {
    chmodSync(passFile, 0o644);
    try {
      const r = await cli(["get", "TOKEN", "--scope", "ci", "--reason", "x", "--json"], { WARDEN_PASSPHRASE_FILE: passFile });
      assert.equal(r.json().error.kind, "unsafe_path");
    } finally {
      chmodSync(passFile, 0o600);
    }
  });

  it("answers a wrong passphrase with bad_passphrase", async () => {
    const wrong = join(home.home, "..", "wrong.txt");
    writeFileSync(wrong, "nope\n", { mode: 0o600 });
    const r = await cli(["get", "TOKEN", "--scope", "ci", "--reason", "x", "--json"], { WARDEN_PASSPHRASE_FILE: wrong });
    assert.equal(r.json().error.kind, "bad_passphrase");
  });

  it("serves exec directly too, with WARDEN_NO_DAEMON=1", async () => {
    const r = await cli(["exec", "--secret", "T=work/TOKEN", "--scope", "ci", "--reason", "x", "--", "sh", "-c", 'printf "%s" "$T"'], {
      WARDEN_PASSPHRASE_FILE: passFile,
      WARDEN_NO_DAEMON: "1",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "tok-123");
    // A reference resolves directly too; a missing one is named by its variable, nothing started.
    const env = { WARDEN_PASSPHRASE_FILE: passFile, WARDEN_NO_DAEMON: "1", R: "warden://work/TOKEN" };
    const ref = await cli(["exec", "--scope", "ci", "--reason", "x", "--", "sh", "-c", 'printf "%s" "$R"'], env);
    assert.equal(ref.stdout, "tok-123", ref.stderr);
    const missing = await cli(["exec", "--scope", "ci", "--reason", "x", "--json", "--", "sh", "-c", "echo started"], { ...env, GONE: "warden://work/NOPE" });
    assert.equal(missing.json().error.kind, "not_found");
    assert.equal(missing.json().error.variable, "GONE");
  });

  it("vault list needs the passphrase and shows no values", async () => {
    const r = await cli(["vault", "list", "work", "--json"], { WARDEN_PASSPHRASE_FILE: passFile });
    assert.deepEqual(
      r.json().entries.map((e: any) => [e.name, e.scopes]),
      [["TOKEN", ["ci"]]],
    );
    assert.ok(!r.stdout.includes("tok-123"));
  });

  it("refuses duplicate adds and sets of missing entries", async () => {
    const dup = await cli(["vault", "add", "work", "TOKEN", "--passphrase-stdin", "--json"], {}, `${PASS}\nx`);
    assert.equal(dup.json().error.kind, "conflict");
    const missing = await cli(["vault", "set", "work", "NOPE", "--passphrase-stdin", "--json"], {}, `${PASS}\nx`);
    assert.equal(missing.json().error.kind, "not_found");
    const twice = await cli(["vault", "init", "work", "--passphrase-stdin", "--json"], {}, `${PASS}\n`);
    assert.equal(twice.json().error.kind, "conflict");
  });
  it("masks its own argv, reason and caller on record: a value of the vault never read, and a token shape", async () => {
    const other = "other-value-Zq8Wm3Rt6Yp1";
    const github = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8";
    assert.equal((await cli(["vault", "add", "work", "OTHER", "--passphrase-stdin"], {}, `${PASS}\n${other}`)).code, 0);
    const r = await cli(["get", "TOKEN", "--scope", "ci", "--reason", `with ${other}`, "--caller", github], { WARDEN_PASSPHRASE_FILE: passFile });
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(home.home, "audit", "testhost.jsonl"), "utf8");
    const last = JSON.parse(text.trimEnd().split("\n").at(-1)!);
    assert.equal(last.detail.mode, "direct");
    assert.ok(
      last.peer.argv.some((a: string) => a.includes("[MASKED:")),
      JSON.stringify(last.peer.argv),
    );
    assert.ok(!text.includes(other) && !text.includes(github), "no trace in the audit file");
    assert.equal((await cli(["audit", "verify"])).code, 0);
  });

  it("masks a declared scope on record: a value of the vault, and a token shape (a scope is any 128 printable characters)", async () => {
    const other = "other-value-Zq8Wm3Rt6Yp1"; // added by the test before
    const github = "ghp_" + "Z1x2C3v4B5n6M7a8S9d0F1g2H3j4K5l6Q7w8";
    for (const scope of [other, github]) {
      const r = await cli(["get", "TOKEN", "--scope", scope, "--reason", "declared", "--json"], { WARDEN_PASSPHRASE_FILE: passFile });
      assert.equal(r.json().error.kind, "scope_denied");
    }
    const text = readFileSync(join(home.home, "audit", "testhost.jsonl"), "utf8");
    assert.ok(!text.includes(other) && !text.includes(github), "no trace in the audit file");
  });
});
