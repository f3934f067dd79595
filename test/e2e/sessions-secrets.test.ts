// Secrets and sessions: injection from an unlocked vault, masking of everything recorded (split
// across output chunks, typed a key at a time, encoded), password prompts, and the restricted
// agent socket the session's processes get.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { storedBytes, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { watch } from "../helpers/sessions.js";
import { PASS, startVaultHome, stopVaultHome } from "../helpers/vault-home.js";

// Matches no token rule: only the exact-value masking can catch it.
const SECRET = "vault-value-Q7xK2pL9mZ4w";
const GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
const node = process.execPath;
let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

before(async () => {
  ({ home, d, c, project } = await startVaultHome([{ name: "TOKEN", value: SECRET, scope: "ci" }]));
});
after(() => stopVaultHome({ home, d, c, project }));

const stored = () => storedBytes(home);

describe("secrets in sessions", () => {
  it("refuses a secret while the vault is locked, and one outside its scope", async () => {
    const locked = c.call("sessions.launch", { argv: ["true"], cwd: project, secrets: { TOKEN: "work/TOKEN" }, scopes: ["ci"] });
    await assert.rejects(locked, (e: any) => e.kind === "vault_locked");
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    const scoped = c.call("sessions.launch", { argv: ["true"], cwd: project, secrets: { TOKEN: "work/TOKEN" }, scopes: ["prod"] });
    await assert.rejects(scoped, (e: any) => e.kind === "scope_denied");
    assert.equal((await c.call("sessions.list", { limit: 1000 })).sessions.length, 0, "nothing started");
  });

  it("injects the secret; masks it whole, split across chunks, and encoded; records names only", async () => {
    // Writes the secret in two pieces with a pause (two output chunks), then its base64 and URL
    // forms, then a GitHub token split the same way.
    const script = `
      const s = process.env.TOKEN, g = process.argv[1];
      const out = (t) => new Promise((r) => process.stdout.write(t, r));
      const pause = () => new Promise((r) => setTimeout(r, 15));
      (async () => {
        await out("one " + s + " two\\n");
        await out("split " + s.slice(0, 9)); await pause(); await out(s.slice(9) + " end\\n");
        await out("b64 " + Buffer.from(s).toString("base64") + "\\n");
        await out("url " + encodeURIComponent(s + "/") + "\\n");
        await out("gh " + g.slice(0, 20)); await pause(); await out(g.slice(20) + " done\\n");
      })();`;
    for (const mode of ["pty", "task"] as const) {
      const s = await c.call("sessions.launch", {
        argv: [node, "-e", script, GITHUB],
        cwd: project,
        mode,
        secrets: { TOKEN: "work/TOKEN" },
        scopes: ["ci"],
        reason: "test",
      });
      const w = await watch(c, s.id);
      assert.equal((await w.exit()).code, 0);
      const out = w.output().replace(/\r\n/g, "\n");
      assert.ok(!out.includes(SECRET) && !out.includes(SECRET.slice(9)), out);
      assert.ok(!out.includes(GITHUB.slice(20)), out);
      const m = "[MASKED:secret]";
      assert.match(out, /^one \[MASKED:[a-z_]+\] two$/m);
      assert.ok(out.includes("split ") && out.includes(" end\n"), out);
      assert.ok(!out.includes(Buffer.from(SECRET).toString("base64")), out);
      assert.ok(!out.includes(encodeURIComponent(SECRET)), out);
      assert.match(out, /^gh \[MASKED:github\] done$/m);
      assert.ok(out.split("[MASKED:").length >= 6, `every form masked: ${out} (${m})`);
      const launch = w.events.find((e) => e.kind === "launch")!.data;
      assert.deepEqual(launch.secrets, ["TOKEN"]);
      assert.ok(!JSON.stringify(launch).includes(SECRET));
    }
    assert.ok(!stored().includes(SECRET), "no ledger file or projection page holds the secret");
    assert.ok(!stored().includes(GITHUB));
    const audit = await c.call("audit.list", { limit: 100 });
    assert.ok(
      audit.records.some((r: any) => r.name === "TOKEN" && r.outcome === "ok"),
      "the injection was audited like a read",
    );
  });

  it("masks a secret typed one key at a time, in the input record and in the echo", async () => {
    const s = await c.call("sessions.launch", { argv: ["cat"], cwd: project });
    const w = await watch(c, s.id);
    for (const ch of `x ${SECRET} y\r`) await c.call("sessions.input", { session: s.id, data: ch });
    await w.sees(" y\r\n");
    // The echo can come back before the input record's last coalesced piece is published.
    const typedSoFar = () =>
      w.events
        .filter((e) => e.kind === "input")
        .map((e) => e.data.text)
        .join("");
    await pollUntil(() => typedSoFar().includes(" y"), { what: "the whole line in the input record" });
    const typed = typedSoFar();
    assert.ok(!typed.includes(SECRET) && typed.includes("[MASKED:"), typed);
    assert.ok(!w.output().includes(SECRET), w.output());
    await c.call("sessions.kill", { session: s.id, signal: "SIGKILL" });
    await w.exit();
    assert.ok(!stored().includes(SECRET));
  });

  it("masks a password given on the command line as the argument after its flag (launch argv, title and output)", async () => {
    const human = "Hunter2SuperSecretValue99x"; // chosen by a person: no token rule's shape, in no vault
    const s = await c.call("sessions.launch", {
      argv: ["echo", "mysql", "-u", "root", "-p", human],
      cwd: project,
      mode: "task",
      title: `db --password ${human}`,
    });
    const w = await watch(c, s.id);
    assert.equal((await w.exit()).code, 0);
    const launch = w.events.find((e) => e.kind === "launch")!;
    assert.deepEqual((launch.data.argv as string[]).slice(0, 5), ["echo", "mysql", "-u", "root", "-p"], "the rest of argv is kept, in place");
    assert.ok(!stored().includes(human), JSON.stringify(launch.data.argv));
  });

  it("records only the length of what is typed at a password prompt", async () => {
    const s = await c.call("sessions.launch", { argv: ["bash", "--norc", "--noprofile", "-i"], cwd: project, env: { PS1: "$ " } });
    const w = await watch(c, s.id);
    await w.sees("$ ");
    // Echo is off before the prompt shows (`read -s -p` prints its prompt first, then turns echo
    // off), and the prompt's text is not in the command line's own echo: typing when it shows
    // cannot race the terminal mode.
    await c.call("sessions.input", { session: s.id, data: 'stty -echo; printf "%s: " PASSWORD; read PW; stty echo; echo; echo "got ${#PW}"\r' });
    await w.sees("PASSWORD: ");
    await c.call("sessions.input", { session: s.id, data: "not-in-any-vault\r" });
    await w.sees("got 16");
    const inputs = w.events.filter((e) => e.kind === "input");
    assert.ok(
      inputs.some((e) => e.data.redacted === true && e.data.bytes === 17),
      JSON.stringify(inputs),
    );
    assert.ok(!JSON.stringify(w.events).includes("not-in-any-vault"));
    assert.ok(String(inputs[0]!.data.text).includes("stty -echo"), "typing at the shell prompt (readline, echo off, not line mode) is recorded");
    await c.call("sessions.input", { session: s.id, data: "exit\r" });
    await w.exit();
    assert.ok(!stored().includes("not-in-any-vault"));
  });
});

describe("the agent socket", () => {
  // Run inside a session: talks to $WARDEN_SOCKET and prints what each call got.
  const probe = `
    const net = require("node:net");
    const sock = net.connect(process.env.WARDEN_SOCKET);
    const calls = JSON.parse(process.argv[1]);
    let buf = "", i = 0; const out = [];
    const next = () => i < calls.length ? sock.write(JSON.stringify({ jsonrpc: "2.0", id: i, ...calls[i] }) + "\\n") : (console.log(JSON.stringify(out)), sock.end());
    sock.on("data", (d) => {
      buf += d; let n;
      while ((n = buf.indexOf("\\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, n)); buf = buf.slice(n + 1);
        out.push(m.error ? m.error.data?.kind ?? m.error.code : m.result.value === process.env.TOKEN ? "value" : "ok");
        i++; next();
      }
    });
    sock.on("connect", next);`;

  it("serves a session's processes ping, health, vault.get and their own events only", async () => {
    const other = await c.call("sessions.launch", { argv: ["true"], cwd: project, mode: "task" });
    await (await watch(c, other.id)).exit();
    const calls = (self: string) => [
      { method: "ping" },
      { method: "health" },
      { method: "vault.get", params: { vault: "work", name: "TOKEN", scope: "ci", reason: "agent test" } },
      { method: "events.read", params: { session: self } },
      { method: "events.read", params: { session: other.id } },
      { method: "sessions.list" },
      { method: "sessions.launch", params: { argv: ["true"], cwd: project } },
      { method: "sessions.input", params: { session: self, data: "x" } },
      { method: "vault.lock", params: { vault: "work" } },
      { method: "events.subscribe", params: { session: self } },
    ];
    // The session's id is only known once launched: the probe reads it from its environment.
    const script = probe.replace("JSON.parse(process.argv[1])", `JSON.parse(process.argv[1].replaceAll("SELF", process.env.WARDEN_SESSION_ID))`);
    const s = await c.call("sessions.launch", {
      argv: [node, "-e", script, JSON.stringify(calls("SELF"))],
      cwd: project,
      mode: "task",
      secrets: { TOKEN: "work/TOKEN" },
      scopes: ["ci"],
    });
    const w = await watch(c, s.id);
    assert.equal((await w.exit()).code, 0, w.output("stderr"));
    const got = JSON.parse(w.output("stdout")) as string[];
    assert.deepEqual(got, ["ok", "ok", "value", "ok", "denied", "denied", "denied", "denied", "denied", "denied"]);
    assert.ok(!w.output("stdout").includes(SECRET));
  });

  it("denies events.read to a process outside every session", async () => {
    const s = await c.call("sessions.launch", { argv: ["true"], cwd: project, mode: "task" });
    await (await watch(c, s.id)).exit();
    const agent = await RpcClient.connect(join(home.runRoot, "agent.sock"));
    try {
      assert.equal((await agent.call("ping")).pong, true);
      await assert.rejects(agent.call("events.read", { session: s.id }), (e: any) => e.kind === "denied");
      await assert.rejects(agent.call("sessions.get", { session: s.id }), (e: any) => e.kind === "denied");
    } finally {
      agent.close();
    }
  });
});
