// Who may do what with approvals, by the peer. A session's agent (on either socket) and anyone on
// agent.sock may not list, watch, decide or revoke, nor change a scope. Agents whose session cannot be told (on agent.sock from outside any session, or a setsid
// escapee): each is its own asker. A person who approves one process's request grants nothing to
// another unknown process (an escapee from another session would otherwise ride on it), and two
// such processes never share a pending request.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { agentScript, type Reply, startAgent } from "../helpers/approval-agent.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "correct-horse-PASSPHRASE";
const VALUE = "unknown-session-value-1";
const get = { method: "vault.get", params: { vault: "work", name: "TOKEN", reason: "unknown" } };

let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const children: ChildProcess[] = [];
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

/** Another process outside every session on agent.sock, making `calls` (see approval-agent.ts). */
function outsider(calls: object[]): { replies: (n: number) => Promise<Reply[]>; go: () => void } {
  const go = join(project, "go");
  const callsFile = join(project, "calls.json");
  const out = join(project, "replies.jsonl");
  writeFileSync(callsFile, JSON.stringify(calls.map((x) => ("waitFor" in x ? { waitFor: go } : x))));
  appendFileSync(out, "");
  children.push(spawn(process.execPath, [join(project, "agent.cjs"), join(home.runRoot, "agent.sock"), callsFile, out], { stdio: "ignore" }));
  const lines = () =>
    readFileSync(out, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Reply);
  return {
    replies: (n) => pollUntil(() => (lines().length >= n ? lines() : null), { what: `${n} replies`, detail: () => JSON.stringify(lines()) }),
    go: () => writeFileSync(go, ""),
  };
}

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wau-")));
  agentScript(project);
  home = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project] } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "TOKEN", "--approval", "always", "--passphrase-stdin"], `${PASS}\n${VALUE}\n`)).code, 0);
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
});
after(async () => {
  for (const child of children) child.kill("SIGKILL");
  c?.close();
  await d?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

describe("approvals for agents whose session cannot be told", () => {
  it("a grant made for one unknown process's request serves that process only; another asks on its own", async () => {
    const asker = await RpcClient.connect(join(home.runRoot, "agent.sock"));
    const first: any = await asker.call("vault.get", get.params).catch((e) => e);
    assert.equal(first.data?.kind, "approval_pending");
    const other = outsider([get, { waitFor: "go" }, get]);
    const [asked] = await other.replies(1);
    assert.equal(asked!.error?.kind, "approval_pending");
    assert.notEqual(asked!.error?.data.request, first.data.request, "another process does not share the pending request");
    await c.call("approvals.decide", { request: first.data.request, decision: "approve", for: 600 });
    other.go();
    const [, again] = await other.replies(2);
    assert.equal(again!.error?.kind, "approval_pending", `the other process is not served by the grant: ${JSON.stringify(again)}`);
    assert.equal((await asker.call("vault.get", get.params)).value, VALUE, "the process whose request was approved is");
    asker.close();
  });
});

describe("what an agent may call", () => {
  it("a session's agent on warden.sock, and anyone on agent.sock, is denied every approvals and grants method and sessions.setScope", async () => {
    const calls = (session: string) => [
      { method: "approvals.list", params: {} },
      { method: "approvals.subscribe", params: {} },
      { method: "approvals.decide", params: { request: "r-1", decision: "approve" } },
      { method: "grants.list", params: {} },
      { method: "grants.revoke", params: { grant: "g-1" } },
      { method: "sessions.setScope", params: { session, scopes: ["prod"], allow: [] } },
    ];
    const a = await startAgent(c, d.socket, project, [{ waitFor: "go" }]);
    const own = calls(a.session);
    const b = await startAgent(c, d.socket, project, own);
    const replies = await b.replies(own.length);
    assert.deepEqual(
      replies.map((r) => r.error?.kind),
      own.map(() => "denied"),
    );
    const outside = await RpcClient.connect(join(home.runRoot, "agent.sock"));
    for (const call of calls(a.session)) {
      await assert.rejects(outside.call(call.method as "approvals.list", call.params), (e: any) => e.data?.kind === "denied", call.method);
    }
    outside.close();
    await a.finish();
    await b.finish();
  });
});
