// Approvals against a real daemon, at the RPC level: a session's agent (a probe process launched
// as a task session) reads an entry whose policy is `always`; a person on warden.sock decides.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ApprovalRequest } from "../../protocol/index.js";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "correct-horse-PASSPHRASE";
const VALUE = "approved-value-7f3a";
const node = process.execPath;

// agent.cjs <socket> <steps.json> <out.json>: one connection. A step `{send: [calls]}` sends its
// calls at once (pipelined) and awaits every answer; with `quitWhen: path` it does not await
// them: once the file exists the probe closes the connection, writes its answers so far, and goes
// on with the next step (a later call then fails). `{waitFor: path}` pauses
// until the file exists. "$REQUEST" in a call is the request id of the last approval_* answer.
// Writes [{ok: value | true} | {kind, data}] in call order.
const AGENT = `
const net = require("node:net"), fs = require("node:fs");
const [sock, stepsFile, out] = process.argv.slice(2);
const steps = JSON.parse(fs.readFileSync(stepsFile, "utf8"));
const got = []; const waiting = new Map(); let buf = "", id = 0, lastRequest = "none";
const s = net.connect(sock);
const write = () => { fs.writeFileSync(out + ".tmp", JSON.stringify(got)); fs.renameSync(out + ".tmp", out); };
s.on("data", (d) => {
  buf += d; let n;
  while ((n = buf.indexOf("\\n")) >= 0) { const m = JSON.parse(buf.slice(0, n)); buf = buf.slice(n + 1); const r = waiting.get(m.id); if (r) { waiting.delete(m.id); r(m); } }
});
const call = (c) => new Promise((res) => { const i = id++; waiting.set(i, res); s.write(JSON.stringify({ jsonrpc: "2.0", id: i, ...JSON.parse(JSON.stringify(c).replaceAll("$REQUEST", lastRequest)) }) + "\\n"); });
const until = (p) => new Promise((res) => { const t = () => (fs.existsSync(p) ? res() : setTimeout(t, 20)); t(); });
const note = (m) => {
  if (!m.error) return got.push({ ok: (m.result && m.result.value) || true });
  const data = m.error.data || {}; if (data.request) lastRequest = data.request;
  got.push({ kind: data.kind, data });
};
s.on("connect", async () => {
  for (const st of steps) {
    if (st.waitFor) { await until(st.waitFor); continue; }
    const replies = Promise.all(st.send.map(call));
    if (st.quitWhen) { await until(st.quitWhen); s.destroy(); write(); continue; }
    for (const m of await replies) note(m);
  }
  write(); s.end();
});
s.on("error", (e) => { got.push({ kind: "socket:" + e.code }); write(); process.exit(0); });
`;

type Got = { ok?: string | true; kind?: string; data?: Record<string, any> };

let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);
const get = (reason: string, extra: object = {}) => ({ method: "vault.get", params: { vault: "work", name: "TOKEN", reason, ...extra } });

let n = 0;
/** Launches the agent probe as a task session; `result()` waits for what it wrote. */
async function agent(steps: object[]): Promise<{ session: string; result: () => Promise<Got[]>; file: (name: string) => string }> {
  const i = ++n;
  const file = (name: string) => join(project, `${name}-${i}`);
  writeFileSync(file("steps"), JSON.stringify(steps));
  const out = file("out");
  const s = await c.call("sessions.launch", { argv: [node, join(project, "agent.cjs"), d.socket, file("steps"), out], cwd: project, mode: "task" });
  const result = async () => {
    await pollUntil(() => existsSync(out), { what: `the agent's answers (${out})`, timeoutMs: 20_000 });
    return JSON.parse(readFileSync(out, "utf8")) as Got[];
  };
  return { session: s.id, result, file };
}

/** The session's pending request, once the agent has asked. */
const pendingOf = (session: string): Promise<ApprovalRequest> =>
  pollUntil(async () => (await c.call("approvals.list", { session, state: "pending" })).requests[0], { what: `a pending request of ${session}` });

async function unlock(): Promise<void> {
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
}

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wa-")));
  writeFileSync(join(project, "agent.cjs"), AGENT);
  home = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project] } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "TOKEN", "--approval", "always", "--passphrase-stdin"], `${PASS}\n${VALUE}\n`)).code, 0);
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
  await unlock();
});
after(async () => {
  c?.close();
  await d?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

describe("an entry's approval policy", () => {
  it("is set by vault add/set --approval (set keeps it unless given) and shown by vault list", async () => {
    const list = async () => (await cli(["vault", "list", "work", "--json", "--passphrase-stdin"], `${PASS}\n`)).json().entries;
    assert.deepEqual(
      (await list()).map((e: any) => [e.name, e.approval]),
      [["TOKEN", "always"]],
    );
    assert.equal((await cli(["vault", "add", "work", "PLAIN", "--passphrase-stdin"], `${PASS}\nplain\n`)).code, 0);
    assert.equal((await cli(["vault", "set", "work", "TOKEN", "--keep-value", "--description", "d", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.deepEqual((await list()).map((e: any) => [e.name, e.approval]).sort(), [
      ["PLAIN", "outside-scope"],
      ["TOKEN", "always"],
    ]);
    assert.equal((await cli(["vault", "set", "work", "PLAIN", "--keep-value", "--approval", "never", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await list()).find((e: any) => e.name === "PLAIN").approval, "never");
    const human = await cli(["vault", "list", "work", "--passphrase-stdin"], `${PASS}\n`);
    assert.match(human.stdout, /PLAIN.*\(approval: never\)/);
    const bad = await cli(["vault", "add", "work", "BAD", "--approval", "sometimes", "--json", "--passphrase-stdin"], `${PASS}\nx\n`);
    assert.deepEqual([bad.code, bad.json().error.kind], [2, "usage"]);
  });
});

describe("approvals over the socket", () => {
  it("a person's own read of an `always` entry is served without asking", async () => {
    assert.equal((await c.call("vault.get", { vault: "work", name: "TOKEN", reason: "a person" })).value, VALUE);
  });

  it("approve for a time lets a waiting vault.get return; the read names the grant; the grant ends with the session", async () => {
    const watcher = await RpcClient.connect(d.socket);
    const seen: string[] = [];
    watcher.onNotification("approvals.requested", (p) => seen.push(`requested ${p.request.id}`));
    watcher.onNotification("approvals.decided", (p) => seen.push(`${p.request.state} ${p.request.id}`));
    assert.deepEqual((await watcher.call("approvals.subscribe")).pending, []);
    const a = await agent([{ send: [get("approve-for", { wait: true })] }]);
    const request = await pendingOf(a.session);
    assert.deepEqual([request.vault, request.name, request.reason, request.session], ["work", "TOKEN", "approve-for", a.session]);
    const { grant } = await c.call("approvals.decide", { request: request.id, decision: "approve", for: 600 });
    assert.deepEqual(await a.result(), [{ ok: VALUE }]);
    const read = await pollUntil(
      async () => (await c.call("audit.list", { limit: 1000 })).records.find((r) => r.action === "get" && r.reason === "approve-for"),
      {
        what: "the read's audit record",
      },
    );
    assert.deepEqual([read.outcome, read.grant], ["ok", grant!.id]);
    await pollUntil(async () => (await c.call("grants.list", { session: a.session })).grants.length === 0, { what: "the grant to end with its session" });
    await pollUntil(() => seen.length === 2, { what: "two notifications" });
    assert.deepEqual(seen, [`requested ${request.id}`, `approved ${request.id}`]);
    watcher.close();
  });

  it("once serves exactly one of two concurrent reads; the other answers approval_pending", async () => {
    const go = join(project, "once-go");
    const a = await agent([{ send: [get("once-ask")] }, { waitFor: go }, { send: [get("once-read"), get("once-read")] }]);
    const request = await pendingOf(a.session);
    await c.call("approvals.decide", { request: request.id, decision: "approve", once: true });
    writeFileSync(go, "");
    const got = await a.result();
    assert.equal(got[0]!.kind, "approval_pending");
    assert.equal(got[0]!.data!.request, request.id);
    assert.deepEqual(
      got
        .slice(1)
        .map((g) => g.ok ?? g.kind)
        .sort(),
      [VALUE, "approval_pending"].sort(),
    );
  });

  it("deny answers approval_denied with the reason", async () => {
    const a = await agent([{ send: [get("deny-me", { wait: true })] }]);
    const request = await pendingOf(a.session);
    await c.call("approvals.decide", { request: request.id, decision: "deny", reason: "not today" });
    const [got] = await a.result();
    assert.deepEqual([got!.kind, got!.data!.request, got!.data!.reason], ["approval_denied", request.id, "not today"]);
    await assert.rejects(c.call("approvals.decide", { request: request.id, decision: "approve" }), (e: any) => e.data?.kind === "conflict");
    await assert.rejects(c.call("approvals.decide", { request: "r-unknown", decision: "approve" }), (e: any) => e.data?.kind === "not_found");
  });

  it("an agent cannot decide, not even its own request; nor can anyone on the agent socket", async () => {
    const a = await agent([
      { send: [get("self-approve")] },
      { send: [{ method: "approvals.decide", params: { request: "$REQUEST", decision: "approve", for: 60 } }] },
    ]);
    const got = await a.result();
    assert.deepEqual(
      got.map((g) => g.kind),
      ["approval_pending", "denied"],
    );
    const onAgentSocket = await RpcClient.connect(join(home.runRoot, "agent.sock"));
    await assert.rejects(
      onAgentSocket.call("approvals.decide", { request: got[0]!.data!.request, decision: "approve" }),
      (e: any) => e.data?.kind === "denied",
    );
    onAgentSocket.close();
    const [request] = (await c.call("approvals.list", { session: a.session })).requests;
    assert.equal(request!.state, "pending");
  });

  it("a waiter whose connection closed is not served: the once grant its approval made stays unused", async () => {
    const quit = join(project, "quit");
    const done = join(project, "quit-done");
    const a = await agent([{ send: [get("gone-waiter", { wait: true })], quitWhen: quit }, { waitFor: done }]);
    const request = await pendingOf(a.session);
    writeFileSync(quit, "");
    assert.deepEqual(await a.result(), []);
    // Its connection is gone (the daemon records the wait's end as a refusal); its process and session live on.
    await pollUntil(
      async () => (await c.call("audit.list", { limit: 1000 })).records.find((r) => r.reason === "gone-waiter" && r.kind === "approval_expired"),
      { what: "the dropped wait's record" },
    );
    const { grant } = await c.call("approvals.decide", { request: request.id, decision: "approve", once: true });
    assert.deepEqual(
      (await c.call("grants.list", { session: a.session })).grants.map((g) => g.id),
      [grant!.id],
      "the once grant is unused",
    );
    const reads = (await c.call("audit.list", { limit: 1000 })).records.filter((r) => r.action === "get" && r.reason === "gone-waiter" && r.outcome === "ok");
    assert.deepEqual(reads, []);
    writeFileSync(done, "");
  });

  it("grants end on lock", async () => {
    const go = join(project, "lock-go");
    const a = await agent([{ send: [get("lock-ask")] }, { waitFor: go }, { send: [get("lock-after")] }]);
    const request = await pendingOf(a.session);
    const { grant } = await c.call("approvals.decide", { request: request.id, decision: "approve", for: 600 });
    assert.deepEqual(
      (await c.call("grants.list", { session: a.session })).grants.map((g) => g.id),
      [grant!.id],
    );
    await c.call("vault.lock", { vault: "work" });
    assert.deepEqual((await c.call("grants.list", { session: a.session })).grants, []);
    await unlock();
    writeFileSync(go, "");
    assert.deepEqual(
      (await a.result()).map((g) => g.kind),
      ["approval_pending", "approval_pending"],
    );
  });

  it("grants end when their vault is evicted (idle)", async () => {
    const go = join(project, "evict-go");
    const a = await agent([{ send: [get("evict-ask")] }, { waitFor: go }]);
    const request = await pendingOf(a.session);
    await c.call("approvals.decide", { request: request.id, decision: "approve", for: 600 });
    assert.equal((await c.call("grants.list", { session: a.session })).grants.length, 1);
    assert.equal((await cli(["vault", "unlock", "work", "--idle", "1s", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    await pollUntil(async () => (await c.call("grants.list", { session: a.session })).grants.length === 0, { what: "the grant to end with the eviction" });
    await unlock();
    writeFileSync(go, "");
  });

  it("a daemon that stops answers its waiting reads approval_pending at once; the request stays", async () => {
    const a = await agent([{ send: [get("stop-wait", { wait: true })] }]);
    const request = await pendingOf(a.session);
    c.close();
    await d.kill("SIGTERM");
    const [got] = await a.result();
    assert.deepEqual([got!.kind, got!.data!.request], ["approval_pending", request.id]);
    d = await startTestDaemon(home);
    c = await RpcClient.connect(d.socket);
    await unlock();
    const restored = (await c.call("approvals.list", { state: "pending" })).requests.find((r) => r.id === request.id);
    assert.ok(restored);
  });

  it("a pending request survives SIGKILL and restart, and is then decided; a grant in force ends with the daemon", async () => {
    const go = join(project, "restart-go");
    const granted = await agent([{ send: [get("granted")] }, { waitFor: go }]);
    const grant = (await c.call("approvals.decide", { request: (await pendingOf(granted.session)).id, decision: "approve", for: 600 })).grant!;
    const a = await agent([{ send: [get("survive")] }, { waitFor: go }]);
    const request = await pendingOf(a.session);
    c.close();
    await d.kill("SIGKILL");
    d = await startTestDaemon(home);
    c = await RpcClient.connect(d.socket);
    const restored = (await c.call("approvals.list", { state: "pending" })).requests.find((r) => r.id === request.id);
    assert.deepEqual([restored?.session, restored?.reason], [a.session, "survive"]);
    // Its session and its vault's key ended with the daemon: the grant did too, on record.
    assert.deepEqual((await c.call("grants.list", {})).grants, []);
    const ends = readFileSync(join(home.home, "approvals", "testhost.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === "grant_end" && l.grant === grant.id);
    assert.deepEqual(
      ends.map((l) => l.reason),
      ["daemon_restarted"],
    );
    const decided = await c.call("approvals.decide", { request: request.id, decision: "approve", for: 60 });
    assert.equal(decided.request.state, "approved");
    writeFileSync(go, "");
    const lines = readFileSync(join(home.home, "approvals", "testhost.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.seq),
      lines.map((_, i) => i + 1),
    );
    assert.equal(lines.at(-1).type, "decision");
    // The file is a source the projection applies (the `approvals` surface), as it is written.
    await pollUntil(async () => (await c.call("projection.verify", { surface: "approvals" })).ok, { what: "the approvals surface to match its file" });
  });
});

describe("expiry", () => {
  it("a request nobody decides within approvals.timeoutSecs expires: the waiting read answers approval_expired", async () => {
    // A daemon of its own, whose requests expire after a second.
    c.close();
    await d.kill();
    writeFileSync(
      join(home.home, "config.json"),
      JSON.stringify({ vault: { kdf: "interactive" }, sessions: { projects: [project] }, approvals: { timeoutSecs: 1 } }),
    );
    d = await startTestDaemon(home);
    c = await RpcClient.connect(d.socket);
    await unlock();
    const a = await agent([{ send: [get("expire-me", { wait: true })] }]);
    const [got] = await a.result();
    assert.equal(got!.kind, "approval_expired");
    const request = (await c.call("approvals.list", { session: a.session })).requests[0];
    assert.deepEqual([request?.id, request?.state], [got!.data!.request, "expired"]);
  });
});
