// Approvals on a first run: no config.json, no WARDEN_HOME, only a HOME. `warden approve` and
// `warden deny` find the daemon in ~/.warden as every other command does, and `approvals watch`
// ends cleanly when that daemon stops.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { type Agent, agentScript, startAgent } from "../helpers/approval-agent.js";
import { runCli, wardenBin } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { firstRunHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "correct-horse-PASSPHRASE";
let userHome: string;
let project: string;
let env: NodeJS.ProcessEnv;
let d: TestDaemon;
let c: RpcClient;
let a: Agent | undefined;
const cli = (args: string[], input?: string) => runCli(args, env, 60_000, input);

before(async () => {
  const home = firstRunHome();
  ({ userHome, env } = home);
  project = join(userHome, "src", "app"); // under $HOME: the default project root
  mkdirSync(project, { recursive: true });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  const added = await cli(["vault", "add", "work", "TOKEN", "--approval", "always", "--passphrase-stdin"], `${PASS}\nfirst-run-value\n`);
  assert.equal(added.code, 0, added.stderr);
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  agentScript(project);
});
after(async () => {
  await a?.finish().catch(() => {});
  c?.close();
  await d?.kill();
  rmSync(userHome, { recursive: true, force: true });
});

const get = (wait: boolean) => ({ method: "vault.get", params: { vault: "work", name: "TOKEN", reason: "first run", wait } });

describe("approvals on a first run (no config, no WARDEN_HOME)", () => {
  it("approve and deny reach the daemon in ~/.warden", async () => {
    a = await startAgent(c, d.socket, project, [get(false), get(true), get(true)]);
    const id = (await a.replies(1))[0]!.error!.data.request as string;
    const approved = await cli(["approve", id, "--once", "--json"]);
    assert.equal(approved.code, 0, approved.stdout + approved.stderr);
    assert.equal((await a.replies(2))[1]!.value, "first-run-value");
    const next = await pollUntil(async () => (await c.call("approvals.list", { session: a!.session, state: "pending" })).requests[0], {
      what: "the third read's request",
    });
    const denied = await cli(["deny", next.id]);
    assert.equal(denied.code, 0, denied.stderr);
    assert.equal((await a.replies(3))[2]!.error?.kind, "approval_denied");
  });

  it("approvals watch exits 0 when the daemon stops", async () => {
    const b = await startAgent(c, d.socket, project, [get(false)]);
    const id = (await b.replies(1))[0]!.error!.data.request as string;
    const watcher = spawn(process.execPath, [wardenBin, "approvals", "watch", "--json"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    watcher.stdout!.on("data", (x) => (out += x));
    const exited = new Promise<number | null>((resolve) => watcher.once("exit", (code) => resolve(code)));
    try {
      const first = await pollUntil(() => out.split("\n").find((l) => l.includes(id)), { what: "the pending request on the watch" });
      assert.equal(JSON.parse(first).kind, "pending");
      await d.kill("SIGTERM");
      assert.equal(await exited, 0);
    } finally {
      watcher.kill("SIGKILL");
    }
  });

  // Runs after the daemon stopped: its own files, with requests, decisions, a grant's read and
  // its end on record, verify offline; the checkpoint made at shutdown covers every record.
  it("leaves an audit log that `warden audit verify`, `prove` and `checkpoint` accept", async () => {
    const verified = await cli(["audit", "verify", "--json"]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const report = JSON.parse(verified.stdout) as {
      ok: boolean;
      hosts: Array<{ host: string; records: number; checkpoints: number; latest: { size: number } }>;
    };
    const own = report.hosts.find((h) => h.host === "testhost")!;
    assert.ok(own.checkpoints >= 1 && own.latest.size === own.records, JSON.stringify(own));
    const actions = readFileSync(join(userHome, ".warden", "audit", "testhost.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { action: string }).action);
    assert.equal(actions[0], "audit_key");
    for (const a of ["unlock", "get", "lock"]) assert.ok(actions.includes(a), `${a} on record: ${actions.join(",")}`);
    assert.ok(
      actions.some((a) => a.startsWith("approval")),
      `the approvals on record: ${actions.join(",")}`,
    );
    const proof = await cli(["audit", "prove", String(own.records), "--json"]);
    assert.equal(proof.code, 0, proof.stderr);
    const checkpoint = await cli(["audit", "checkpoint", "--json"]);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    assert.deepEqual([JSON.parse(checkpoint.stdout).origin, JSON.parse(checkpoint.stdout).size], ["warden/testhost", own.records]);
  });
});
