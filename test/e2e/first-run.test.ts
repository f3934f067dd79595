// A new user's first run: no config.json, no WARDEN_HOME, only a HOME. The daemon lives in
// ~/.warden, and sessions run anywhere under the home (the default project root), as the README
// promises; a cwd outside the home is still refused.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { wardenBin } from "../helpers/cli.js";
import { RawClient } from "../helpers/raw-client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { firstRunHome } from "../helpers/home.js";
import { watch } from "../helpers/sessions.js";

let userHome: string;
let app: string;
let env: NodeJS.ProcessEnv;
let d: TestDaemon;
let c: RpcClient;

/** The real `warden` in `cwd`, as a user types it there. */
function warden(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [wardenBin, ...args], { cwd, env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === "number" ? code : null, stdout, stderr });
    });
  });
}

before(async () => {
  const home = firstRunHome({ SHELL: "/bin/sh" });
  ({ userHome, env } = home);
  app = join(userHome, "src", "app");
  mkdirSync(app, { recursive: true });
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
});
after(async () => {
  c?.close();
  await d?.kill();
  rmSync(userHome, { recursive: true, force: true });
});

describe("first run: no config.json, no WARDEN_HOME", () => {
  it("uses ~/.warden under $HOME and has no config file", () => {
    assert.equal(d.socket, join(userHome, ".warden", "run", "testhost", "warden.sock"));
    assert.equal(existsSync(join(userHome, ".warden", "config.json")), false);
  });

  it("runs a task in ~/src/app from the CLI, in the current directory", async () => {
    const r = await warden(["run", "--wait", "--", "sh", "-c", "echo hi; pwd"], app);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `hi\n${app}\n`);
    const failed = await warden(["run", "--wait", "--", "sh", "-c", "exit 3"], app);
    assert.equal(failed.code, 3, failed.stderr);
  });

  it("runs a PTY session of the built-in shell in ~/src/app", async () => {
    const s = await c.call("sessions.launch", { harness: "shell", cwd: app, env: { PS1: "$ " } });
    assert.equal(s.kind, "pty");
    assert.equal(s.state, "running");
    const w = await watch(c, s.id);
    await c.call("sessions.input", { session: s.id, data: "echo hi-$((40+2)); pwd; exit 5\r" });
    const exit = await w.exit(15_000);
    assert.equal(exit.code, 5);
    assert.ok(w.output().includes("hi-42"), w.output());
    assert.ok(w.output().includes(app), w.output());
  });

  it("launches the built-in shell from the CLI in the current directory", async () => {
    const r = await warden(["launch", "shell"], app);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    const s = await c.call("sessions.get", { session: id });
    assert.equal(s.process!.cwd, app);
    assert.equal(s.process!.harness, "shell");
    const w = await watch(c, id);
    await c.call("sessions.input", { session: id, data: "exit 4\r" });
    assert.equal((await w.exit(15_000)).code, 4);
  });

  it("runs in the home itself", async () => {
    const r = await warden(["run", "--wait", "--", "pwd"], userHome);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${userHome}\n`);
  });

  it("still refuses a cwd outside the home with policy_violation", async () => {
    const outside = realpathSync(tmpdir());
    await assert.rejects(c.call("sessions.launch", { argv: ["true"], cwd: outside, mode: "task" }), (e: any) => {
      assert.equal(e.kind, "policy_violation", e.message);
      return true;
    });
  });
});

describe("health capabilities", () => {
  it("says what this daemon serves, flag by flag", async () => {
    const { capabilities: caps } = await c.call("health", {});
    const discovered = (await c.call("rpc.discover", {})) as { methods: Array<{ name: string }> };
    const served = new Set(discovered.methods.map((m) => m.name));
    assert.equal(caps.discover, true, "rpc.discover answered");
    assert.equal(caps.vault, served.has("vault.unlock") && served.has("vault.get"));
    assert.equal(caps.ledger, served.has("sessions.open") && served.has("events.append"));
    assert.equal(caps.projection, served.has("projection.rebuild") && served.has("projection.verify"));
    assert.equal(caps.sessions, served.has("sessions.launch") && served.has("sessions.input"));
    assert.equal(caps.notifications, served.has("events.subscribe"));
    for (const flag of ["vault", "ledger", "projection", "sessions", "notifications"] as const) assert.equal(caps[flag], true, flag);

    // The sync engine runs: sync.status answers and search works.
    const st = await c.call("sync.status", {});
    assert.ok(Array.isArray(st.sources));
    assert.equal(caps.sync, true);

    // agent.sock is there and answers: the flag says so, and health over it agrees.
    const agent = await RpcClient.connect(join(userHome, ".warden", "run", "testhost", "agent.sock"));
    try {
      assert.deepEqual(await agent.call("ping", {}), { pong: true });
      assert.equal(caps.agentSocket, true);
      assert.deepEqual((await agent.call("health", {})).capabilities, caps);
    } finally {
      agent.close();
    }

    // A batch is answered as a batch.
    const raw = await RawClient.connect(d.socket);
    try {
      raw.write(
        JSON.stringify([
          { jsonrpc: "2.0", id: 1, method: "ping" },
          { jsonrpc: "2.0", id: 2, method: "ping" },
        ]) + "\n",
      );
      const reply = await raw.next();
      assert.equal(Array.isArray(reply) && reply.length, 2);
      assert.equal(caps.batch, true);
    } finally {
      raw.close();
    }
  });
});
