// History imported before a value was known to be secret is masked when its vault is unlocked
// (rewritten in the background, with progress in sync.status), and stays masked after a restart
// and an offline rebuild with the vault locked (the keyed digests in the run root).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { watch } from "../helpers/sessions.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "correct-horse-PASSPHRASE";
const SESSION = "7a1c2d7e-8a91-4c3b-b2d4-0e6f7a8b9c02";
const PROJECT = "-work-remask";
// Matches no token rule: only the vault can say it is a secret.
const VALUE = "plain-looking-Wq8eR4tY6uIo";

function claudeUser(text: string, n: number): string {
  return (
    JSON.stringify({
      type: "user",
      sessionId: SESSION,
      uuid: `u-${n}`,
      parentUuid: null,
      timestamp: "2026-11-20T10:00:00.000Z",
      cwd: "/work/remask",
      version: "2.0.14",
      message: { role: "user", content: text },
    }) + "\n"
  );
}

let h: TempHome;
let project: string;
let ledgerSession: string;
let d: TestDaemon | undefined;
let c: RpcClient | undefined;
const cli = (args: string[], input?: string) => runCli(args, h.env, 60_000, input);
const found = async (q: string) => (await c!.call("search.query", { q })).results.length;

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  h = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project] } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "PLAIN", "--passphrase-stdin"], `${PASS}\n${VALUE}\n`)).code, 0);
  mkdirSync(join(h.claudeProjects, PROJECT), { recursive: true });
  writeFileSync(
    join(h.claudeProjects, PROJECT, `${SESSION}.jsonl`),
    claudeUser(`walrus deployment uses ${VALUE} as its password`, 1) + claudeUser(`the key\n${VALUE}`, 2),
  );
  d = await startTestDaemon(h);
  c = await RpcClient.connect(d.socket);
});
after(async () => {
  c?.close();
  await d?.kill();
  h?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

describe("masking history anew", () => {
  it("creates the daemon key 0600 in a 0700 private/<host>", () => {
    const key = statSync(join(h.home, "private", "testhost", "daemon.key"));
    assert.equal(key.size, 32);
    assert.equal(key.mode & 0o777, 0o600);
    assert.equal(statSync(join(h.home, "private", "testhost")).mode & 0o777, 0o700);
  });

  it("rewrites imported history holding a vault value when the vault is unlocked", async () => {
    await pollUntil(async () => (await found("walrus")) > 0, { what: "the import" });
    assert.equal(await found(VALUE), 2, "locked: the value is searchable (nothing says it is secret)");
    assert.equal((await c!.call("sync.status", {})).remask.lastRewriteAt, null);
    // A warden session prints it too, while nothing says it is secret: the ledger lines hold it
    // (one short, kept in the projection; one long, read from the ledger file).
    const s = await c!.call("sessions.launch", {
      argv: ["sh", "-c", `echo ledger-marker ${VALUE}; sleep 0.1; echo long-marker ${VALUE} ${"x".repeat(1500)}`],
      cwd: project,
    });
    ledgerSession = s.id;
    assert.equal((await (await watch(c!, s.id)).exit()).code, 0);
    const early = await c!.call("projection.backup", {});
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    const status = await pollUntil(
      async () => {
        const s = (await c!.call("sync.status", {})).remask;
        return s.state === "idle" && s.lastRewriteAt !== null ? s : null;
      },
      { what: "the rewrite" },
    );
    assert.ok(status.rewritten >= 2 && status.scanned >= 2 && status.total >= 2, JSON.stringify(status));
    assert.equal(await found(VALUE), 0);
    assert.equal(await found("walrus"), 1, "the rest stays searchable");
    const events = await c!.call("events.read", { session: `claude-${SESSION}` });
    const text = JSON.stringify(events.events);
    assert.ok(!text.includes(VALUE) && text.includes("[MASKED:secret]"), text);
    const list = await c!.call("sessions.list", { source: "claude-code" });
    assert.ok(!JSON.stringify(list).includes(VALUE), "the title too");
    assert.ok(!readFileSync(join(h.runRoot, "masked-digests"), "latin1").includes(VALUE));
    await pollUntil(async () => (await found("marker")) >= 2, { what: "the ledger output to be searchable" });
    const ledger = await c!.call("events.read", { session: s.id });
    assert.ok(!JSON.stringify(ledger.events).includes(VALUE), "the projection's copy of the ledger events");
    assert.ok(JSON.stringify(ledger.events).includes("long-marker"));
    assert.equal((await c!.call("projection.verify", {})).ok, true, "a masked copy of a ledger line is no drift");
    assert.ok(status.ledgerRows >= 1, "known: the ledger file holds it");

    // The backup made before the rewrite holds the value: doctor names it, --fix removes it.
    const late = await c!.call("projection.backup", {});
    const doctor = (await cli(["daemon", "doctor", "--json"])).json();
    const check = doctor.doctor.checks.find((x: any) => x.name === "backups_masked");
    assert.equal(check.state, "degraded");
    assert.ok(doctor.repair_actions.some((a: any) => a.id === "remove_unmasked_backups" && a.risk === "runtime_only"));
    assert.equal(doctor.doctor.checks.find((x: any) => x.name === "ledger_masking").state, "ok");
    const fixed = (await cli(["daemon", "doctor", "--fix", "--json"])).json();
    assert.ok(fixed.fixed.some((f: any) => f.id === "remove_unmasked_backups" && f.ok));
    assert.equal(existsSync(early.file), false, "the backup made before the rewrite is removed");
    assert.equal(existsSync(late.file), true, "the one made after it is kept");
    assert.equal(fixed.doctor.checks.find((x: any) => x.name === "backups_masked").state, "ok");
  });

  it("keeps it masked through a restart and an offline rebuild with the vault locked", async () => {
    c!.close();
    c = undefined;
    assert.equal(await d!.kill(), 0);
    d = undefined;
    const reset = await cli(["daemon", "rebuild", "--reset-storage", "--json"]);
    assert.equal(reset.code, 0, reset.stderr);
    d = await startTestDaemon(h);
    c = await RpcClient.connect(d.socket);
    assert.deepEqual((await c.call("vault.status", {})).vaults, [], "locked");
    await pollUntil(async () => (await found("walrus")) > 0, { what: "the import" });
    assert.equal(await found(VALUE), 0);
    const events = await c.call("events.read", { session: `claude-${SESSION}` });
    assert.ok(!JSON.stringify(events.events).includes(VALUE));
    const ledger = await c.call("events.read", { session: ledgerSession });
    assert.ok(JSON.stringify(ledger.events).includes("long-marker"));
    assert.ok(!JSON.stringify(ledger.events).includes(VALUE), "the ledger's lines, replayed with the vault locked");
    assert.equal(reset.json().verify.ok, true);
    assert.equal((await c.call("projection.verify", {})).ok, true);
  });

  it("keeps it masked through an offline restore that catches up ledger lines with the vault locked", async () => {
    const backup = await c!.call("projection.backup", {});
    // Printed while the vault is locked after a restart: the ledger line holds the value.
    const s = await c!.call("sessions.launch", { argv: ["sh", "-c", `echo restore-marker ${VALUE}`], cwd: project });
    assert.equal((await (await watch(c!, s.id)).exit()).code, 0);
    c!.close();
    c = undefined;
    assert.equal(await d!.kill(), 0);
    d = undefined;
    const restored = await cli(["daemon", "restore", backup.file, "--json"]);
    assert.equal(restored.code, 0, restored.stderr);
    assert.ok(restored.json().caughtUp.rows >= 1, "the session's lines came from the ledger");
    d = await startTestDaemon(h);
    c = await RpcClient.connect(d.socket);
    const events = JSON.stringify((await c.call("events.read", { session: s.id })).events);
    assert.ok(events.includes("restore-marker") && !events.includes(VALUE), events);
  });
});

describe("the daemon key", () => {
  it("refuses to start on a symlinked or too open daemon.key, never following it", async () => {
    const home = tempHome({});
    try {
      const dir = join(home.home, "private", "testhost");
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const target = join(home.home, "elsewhere.key");
      writeFileSync(target, Buffer.alloc(32, 1), { mode: 0o600 });
      symlinkSync(target, join(dir, "daemon.key"));
      await assert.rejects(startTestDaemon(home), (e: any) => e.kind === "unsafe_path");
      rmSync(join(dir, "daemon.key"));
      writeFileSync(join(dir, "daemon.key"), Buffer.alloc(32, 1), { mode: 0o644 });
      await assert.rejects(startTestDaemon(home), (e: any) => e.kind === "unsafe_path");
      rmSync(join(dir, "daemon.key"));
      const d2 = await startTestDaemon(home);
      await d2.kill();
      assert.equal(statSync(join(dir, "daemon.key")).mode & 0o777, 0o600, "created anew");
      assert.deepEqual(readFileSync(target), Buffer.alloc(32, 1), "the symlink's target untouched");
    } finally {
      home.cleanup();
    }
  });
});
