// Rights follow the peer, not the socket: a process inside a session (a PTY session's, a task's, a
// setsid double-forked grandchild's, one whose session has ended) that connects to the full
// warden.sock gets only the agent allowance; a person's process outside every session keeps full
// rights. Each probe runs as a real process under the daemon and writes what each call got.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { processLineage } from "../../src/platform/proc.js";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { watch } from "../helpers/sessions.js";

const PASS = "correct-horse-PASSPHRASE";
const node = process.execPath;

// probe.cjs <socket> <calls.json> <out.json>: one connection; each call's outcome ("ok", or the
// error's data.kind), in order. A call `{ "waitFor": path }` pauses until that file exists, and
// `{ "touch": path }` creates it. "SELF"
// in the calls is the probe's WARDEN_SESSION_ID. Also records its own ppid and Unix session id.
const PROBE = `
const net = require("node:net"), fs = require("node:fs");
const [sock, callsFile, out] = process.argv.slice(2);
const calls = JSON.parse(fs.readFileSync(callsFile, "utf8").replaceAll("SELF", process.env.WARDEN_SESSION_ID || "none"));
const stat = fs.readFileSync("/proc/self/stat", "utf8"); const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
const got = []; let buf = "", i = 0, finished = false;
const s = net.connect(sock);
const done = () => { if (finished) return; finished = true; fs.writeFileSync(out + ".tmp", JSON.stringify({ got, ppid: +f[1], sid: +f[3] })); fs.renameSync(out + ".tmp", out); s.end(); };
const next = () => {
  if (i >= calls.length) return done();
  const c = calls[i];
  if (c.waitFor) return fs.existsSync(c.waitFor) ? (i++, next()) : setTimeout(next, 20);
  if (c.touch) return fs.writeFileSync(c.touch, ""), i++, next();
  s.write(JSON.stringify({ jsonrpc: "2.0", id: i, ...c }) + "\\n");
};
s.on("data", (d) => {
  buf += d; let n;
  while ((n = buf.indexOf("\\n")) >= 0) {
    const m = JSON.parse(buf.slice(0, n)); buf = buf.slice(n + 1);
    got.push(m.error ? (m.error.data && m.error.data.kind) || m.error.code : "ok"); i++; next();
  }
});
s.on("connect", next);
s.on("error", (e) => { got.push("socket:" + e.code); done(); });
s.on("close", () => { if (i < calls.length) got.push("closed"); done(); });
`;

let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
let other: { id: string };
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  writeFileSync(join(project, "probe.cjs"), PROBE);
  home = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project] }, server: { maxConnectionsPerSession: 3 } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "TOKEN", "--scope", "ci", "--passphrase-stdin"], `${PASS}\nagent-visible-value\n`)).code, 0);
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  // Another session, running: the probes try to type into it, read it and kill it.
  other = await c.call("sessions.launch", { argv: [node, "-e", "setInterval(() => {}, 1000)"], cwd: project, mode: "task" });
});
after(async () => {
  if (other) await c?.call("sessions.kill", { session: other.id, signal: "SIGKILL" }).catch(() => {});
  c?.close();
  await d?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

let n = 0;
/** Writes the calls, returns [argv running the probe on warden.sock, the result path]. */
function probe(calls: object[]): { argv: string[]; out: string; cmd: string } {
  const i = ++n;
  const callsFile = join(project, `calls-${i}.json`);
  writeFileSync(callsFile, JSON.stringify(calls));
  const out = join(project, `out-${i}.json`);
  const argv = [node, join(project, "probe.cjs"), d.socket, callsFile, out];
  return { argv, out, cmd: argv.map((a) => `'${a}'`).join(" ") };
}

async function result(out: string): Promise<{ got: string[]; ppid: number; sid: number }> {
  await pollUntil(() => existsSync(out), { what: `the probe's result ${out}`, timeoutMs: 15_000 });
  return JSON.parse(readFileSync(out, "utf8"));
}

function zombiesOf(parent: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const st = processLineage(pid);
      return st !== null && st.ppid === parent && st.state === "Z";
    });
}

const getToken = (reason: string) => ({ method: "vault.get", params: { vault: "work", name: "TOKEN", scope: "ci", reason } });

/** Everything outside the agent allowance; shutdown last, so a failure leaves the rest checked. */
const forbidden = () => [
  { method: "events.read", params: { session: other.id } },
  { method: "sessions.input", params: { session: other.id, data: "x" } },
  { method: "sessions.kill", params: { session: other.id } },
  { method: "sessions.launch", params: { argv: ["true"], cwd: project } },
  { method: "vault.status" },
  { method: "audit.list" },
  { method: "projection.backup" },
  { method: "shutdown" },
];
const DENIED = ["denied", "denied", "denied", "denied", "denied", "denied", "denied", "denied"];

async function stillIntact(): Promise<void> {
  assert.equal((await c.call("ping")).pong, true, "the daemon still runs");
  assert.equal((await c.call("sessions.get", { session: other.id })).live, true, "the other session still runs");
}

/** The `session` of the audit record of the read made for `reason` (the projection applies audit records shortly after). */
async function auditedSession(reason: string): Promise<unknown> {
  const rec = await pollUntil(async () => (await c.call("audit.list", { limit: 1000 })).records.find((r) => r.action === "get" && r.reason === reason), {
    what: `the audit record for ${reason}`,
  });
  return rec.session;
}

describe("a session's processes on warden.sock", () => {
  for (const mode of ["pty", "task"] as const) {
    it(`a ${mode} session's process gets only the agent allowance, attributed to its session`, async () => {
      const reason = `peer test ${mode}`;
      const p = probe([{ method: "ping" }, { method: "health" }, getToken(reason), { method: "events.read", params: { session: "SELF" } }, ...forbidden()]);
      const s = await c.call("sessions.launch", { argv: p.argv, cwd: project, mode, scopes: ["ci"] });
      const r = await result(p.out);
      assert.deepEqual(r.got, ["ok", "ok", "ok", "ok", ...DENIED]);
      await stillIntact();
      assert.equal(await auditedSession(reason), s.id, "the read is attributed to the session");
      await (await watch(c, s.id)).exit();
    });
  }

  it("a setsid double-forked grandchild, whose ancestry no longer reaches the session, is refused the same", async () => {
    const p = probe([{ method: "ping" }, { method: "health" }, getToken("peer test grandchild"), ...forbidden()]);
    // setsid -f forks; the child leaves the session's Unix session and forks the probe into the
    // background, then exits: the probe is orphaned, in a Unix session of its own.
    const s = await c.call("sessions.launch", { argv: ["sh", "-c", `setsid -f sh -c "${p.cmd.replaceAll('"', '\\"')} &"`], cwd: project, mode: "task" });
    const r = await result(p.out);
    const launched = (await c.call("sessions.get", { session: s.id })).process!.pid;
    assert.notEqual(r.sid, launched, "the grandchild left the session's Unix session");
    // Its session (launched without a credential scope) may or may not be told: either way it reads nothing without approval.
    assert.deepEqual(r.got, ["ok", "ok", "scope_denied", ...DENIED]);
    await stillIntact();
    // Orphans are re-parented to the daemon (a child subreaper), which reaps them when they exit.
    await pollUntil(() => zombiesOf(d.pid).length === 0, { what: "the daemon to reap the orphans it adopted", timeoutMs: 10_000 });
  });

  it("a connection stays restricted after its session ends", async () => {
    const go = join(project, "go");
    const connected = join(project, "connected");
    const p = probe([{ method: "ping" }, { touch: connected }, { waitFor: go }, ...forbidden()]);
    // The probe outlives the task that started it, holding the connection it opened while the
    // session ran (the task ends once the probe has been answered).
    const wait = `while [ ! -e '${connected}' ]; do sleep 0.02; done`;
    const s = await c.call("sessions.launch", { argv: ["sh", "-c", `${p.cmd} >/dev/null 2>&1 & ${wait}`], cwd: project, mode: "task" });
    await (await watch(c, s.id)).exit();
    assert.equal((await c.call("sessions.get", { session: s.id })).live, false, "the session has ended");
    writeFileSync(go, "");
    const r = await result(p.out);
    assert.deepEqual(r.got, ["ok", ...DENIED]);
    await stillIntact();
  });

  it("holds a session to maxConnectionsPerSession connections; a person still connects", async () => {
    // Opens connections one by one, keeping each, and records how each answered a ping.
    const script = `
      const net = require("node:net"), fs = require("node:fs");
      const [sock, out, count] = process.argv.slice(1); const got = []; const held = [];
      const one = () => {
        if (got.length >= +count) { fs.writeFileSync(out + ".tmp", JSON.stringify({ got })); fs.renameSync(out + ".tmp", out); return held.forEach((h) => h.end()); }
        const s = net.connect(sock); held.push(s); let buf = "";
        s.on("connect", () => s.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\\n'));
        s.on("data", (d) => { buf += d; if (!buf.includes("\\n")) return; const m = JSON.parse(buf.slice(0, buf.indexOf("\\n"))); got.push(m.error ? m.error.data.kind : "ok"); one(); });
        s.on("error", () => {});
      };
      one();`;
    const out = join(project, "limit.json");
    const s = await c.call("sessions.launch", { argv: [node, "-e", script, d.socket, out, "4"], cwd: project, mode: "task" });
    const w = await watch(c, s.id);
    await pollUntil(() => existsSync(out), { what: "the limit probe's result", timeoutMs: 15_000 });
    assert.deepEqual(JSON.parse(readFileSync(out, "utf8")).got, ["ok", "ok", "ok", "too_many_connections"]);
    await w.exit();
    const person = await RpcClient.connect(d.socket);
    assert.equal((await person.call("ping")).pong, true);
    person.close();
  });
});

describe("a person's process outside every session", () => {
  it("keeps full rights on warden.sock", async () => {
    assert.ok(Array.isArray((await c.call("vault.status")).vaults));
    assert.ok(Array.isArray((await c.call("audit.list", { limit: 1 })).records));
    const listed = await cli(["sessions", "list", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const got = await cli(["get", "TOKEN", "--vault", "work", "--scope", "ci", "--reason", "person test"]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(await auditedSession("person test"), undefined, "a person's read names no session");
  });
});
