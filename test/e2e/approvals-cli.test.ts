// Issue 14's "Done when" for approvals, through the real `warden` command line: an agent (a real
// process in a task session, on the full warden.sock) reads entries that need approval; a person
// lists, watches, approves (for a time, or once), denies, and lists and revokes grants with the
// CLI. The agent running `warden approve` itself is refused.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ApprovalRequest } from "../../protocol/index.js";
import { runCli, wardenBin } from "../helpers/cli.js";
import { pollUntil } from "../helpers/poll.js";
import { PASS, startVaultHome, stopVaultHome, type VaultHome } from "../helpers/vault-home.js";
import { type Agent, agentScript, startAgent } from "../helpers/approval-agent.js";

let v: VaultHome;
const cli = (args: string[], input?: string) => runCli(args, v.home.env, 30_000, input);
const agents: Agent[] = [];

/** An agent in a task session of its own making these calls in order (each after the previous reply). */
async function agent(calls: object[]): Promise<Agent> {
  const a = await startAgent(v.c, v.d.socket, v.project, calls);
  agents.push(a);
  return a;
}

const get = (name: string, extra: object = {}) => ({ method: "vault.get", params: { vault: "work", name, reason: `e2e read of ${name}`, ...extra } });
const wait = (name: string) => get(name, { wait: true });

/** The session's pending request (a waiting read makes one, answering nothing yet). */
function pendingOf(session: string): Promise<ApprovalRequest> {
  return pollUntil(async () => (await v.c.call("approvals.list", { session, state: "pending" })).requests[0], { what: `a pending request of ${session}` });
}

before(async () => {
  v = await startVaultHome([]);
  agentScript(v.project);
  for (const name of ["TOKEN", "EXPIRING", "ONCE", "DENIED", "SELF", "WATCHED", "EARLY"]) {
    const r = await cli(["vault", "add", "work", name, "--approval", "always", "--passphrase-stdin"], `${PASS}\nvalue-of-${name}\n`);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
});
after(async () => {
  for (const a of agents) await a.finish();
  await stopVaultHome(v);
});

describe("approvals through the CLI", () => {
  it("a read needing approval answers approval_pending; approvals list shows it; approve --for 1m serves the waiting read; grants list and revoke", async () => {
    const a = await agent([get("TOKEN"), wait("TOKEN"), get("TOKEN"), { waitFor: "revoked" }, get("TOKEN")]);
    const [first] = await a.replies(1);
    assert.equal(first!.error?.kind, "approval_pending");
    const id = first!.error!.data.request as string;
    assert.equal(typeof id, "string");

    const listed = await cli(["approvals", "list", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const req = (listed.json().requests as ApprovalRequest[]).find((r) => r.id === id);
    assert.ok(req, "listed");
    assert.equal(req.session, a.session);
    assert.deepEqual([req.vault, req.name, req.state], ["work", "TOKEN", "pending"]);
    const human = await cli(["approvals", "list", "--session", a.session]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, new RegExp(`^${id}\\s.*work/TOKEN.*e2e read of TOKEN$`, "m"));

    // The waiting read (the same session and entry: the same request) is answered by the approval.
    const approved = await cli(["approve", id, "--for", "1m", "--json"]);
    assert.equal(approved.code, 0, approved.stdout + approved.stderr);
    const { request, grant } = approved.json();
    assert.equal(request.state, "approved");
    assert.equal(grant.session, a.session);
    assert.equal(grant.once, false);
    assert.equal(Date.parse(grant.until) - Date.parse(grant.ts), 60_000);
    const replies = await a.replies(3);
    assert.equal(replies[1]!.value, "value-of-TOKEN", "the waiting read returned");
    assert.equal(replies[2]!.value, "value-of-TOKEN", "the grant serves the next read");

    const grants = await cli(["grants", "list", "--json"]);
    assert.equal(grants.code, 0);
    assert.ok(grants.json().grants.some((g: { id: string }) => g.id === grant.id));
    const mine = await cli(["grants", "list", "--session", a.session]);
    assert.match(mine.stdout, new RegExp(`^${grant.id}\\s+${a.session}\\s+work/TOKEN\\s+\\d+s left`, "m"));

    const revoked = await cli(["grants", "revoke", grant.id, "--json"]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(revoked.json(), { grant: grant.id, revoked: true });
    a.touch("revoked");
    const again = (await a.replies(4))[3]!;
    assert.equal(again.error?.kind, "approval_pending", "after revoke the read asks again");
    assert.notEqual(again.error!.data.request, id);
    const twice = await cli(["grants", "revoke", grant.id, "--json"]);
    assert.equal(twice.code, 1);
    assert.equal(twice.json().error.kind, "not_found");
    assert.equal((await cli(["approve", id, "--json"])).json().error.kind, "conflict", "a decided request cannot be decided again");
  });

  it("a grant for a time ends, and the next read asks again", async () => {
    const a = await agent([wait("EXPIRING"), { waitFor: "ended" }, get("EXPIRING")]);
    const r = await pendingOf(a.session);
    const approved = await cli(["approve", r.id, "--for", "2s", "--json"]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal((await a.replies(1))[0]!.value, "value-of-EXPIRING");
    const grantId = approved.json().grant.id as string;
    await pollUntil(async () => !(await cli(["grants", "list", "--json"])).json().grants.some((g: { id: string }) => g.id === grantId), {
      what: "the 2 s grant to end",
    });
    a.touch("ended");
    assert.equal((await a.replies(2))[1]!.error?.kind, "approval_pending");
  });

  it("approve --once serves exactly one read", async () => {
    const a = await agent([wait("ONCE"), get("ONCE")]);
    const r = await pendingOf(a.session);
    const approved = await cli(["approve", r.id, "--once"]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /for one read/);
    const [one, two] = await a.replies(2);
    assert.equal(one!.value, "value-of-ONCE");
    assert.equal(two!.error?.kind, "approval_pending", "the second read asks again");
    assert.deepEqual((await cli(["grants", "list", "--session", a.session, "--json"])).json().grants, [], "the one-read grant is used up");
  });

  it("deny answers the waiting read approval_denied", async () => {
    const a = await agent([wait("DENIED")]);
    const r = await pendingOf(a.session);
    const denied = await cli(["deny", r.id, "--reason", "use the staging key", "--json"]);
    assert.equal(denied.code, 0, denied.stderr);
    assert.equal(denied.json().request.state, "denied");
    assert.equal(denied.json().grant, null);
    const [reply] = await a.replies(1);
    assert.equal(reply!.error?.kind, "approval_denied");
    assert.equal(reply!.error!.data.request, r.id);
    assert.equal(reply!.error!.data.reason, "use the staging key", "the person's reason reaches the agent");
    const twice = await cli(["deny", r.id, "--json"]);
    assert.equal(twice.code, 1);
    assert.equal(twice.json().error.kind, "conflict");
  });

  it("an agent running `warden approve`, `warden deny` (on its own request) or `warden approvals list` is refused with denied, exit 1", async () => {
    const a = await agent([get("SELF")]);
    const id = (await a.replies(1))[0]!.error!.data.request as string;
    // `warden run --wait` passes the task's stdout and exit status through: the CLI as the agent ran
    // it, on the full warden.sock (approve) and on its own agent.sock, WARDEN_SOCKET (deny).
    const runs = [
      ["sh", "-c", `WARDEN_SOCKET='${v.d.socket}' exec '${process.execPath}' '${wardenBin}' approve ${id} --json`],
      [process.execPath, wardenBin, "deny", id, "--json"],
      [process.execPath, wardenBin, "approvals", "list", "--json"],
    ];
    for (const argv of runs) {
      const r = await cli(["run", "--wait", "--cwd", v.project, "--", ...argv]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(JSON.parse(r.stdout).error.kind, "denied");
    }
    const still = (await v.c.call("approvals.list", { session: a.session })).requests.find((x) => x.id === id);
    assert.equal(still?.state, "pending", "the request is undecided");
  });
});

describe("warden approvals watch", () => {
  let watcher: ChildProcess | undefined;
  after(() => void watcher?.kill("SIGKILL"));

  it("prints the pending requests, then each new one and its decision, calls notify-send, and exits 0 on SIGINT", async () => {
    const early = await agent([get("EARLY")]);
    const earlyId = (await early.replies(1))[0]!.error!.data.request as string;
    // A notify-send that records its argv (the real one needs a desktop session), first on PATH.
    const bin = join(v.project, "bin");
    mkdirSync(bin, { recursive: true });
    const notes = join(v.project, "notes.jsonl");
    writeFileSync(
      bin + "/notify-send",
      `#!${process.execPath}\nrequire("node:fs").appendFileSync(${JSON.stringify(notes)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
    );
    chmodSync(join(bin, "notify-send"), 0o755);
    const env = { ...v.home.env, PATH: `${bin}:${process.env.PATH}` };
    watcher = spawn(process.execPath, [wardenBin, "approvals", "watch"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    watcher.stdout!.on("data", (d) => (out += d));
    watcher.stderr!.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => watcher!.once("exit", (code) => resolve(code)));
    const sees = (re: RegExp, what: string) => pollUntil(() => re.test(out), { what, detail: () => `stdout: ${out}; stderr: ${err}` });

    await sees(new RegExp(`pending  ${earlyId}  work/EARLY`), "the request pending at the start");
    const a = await agent([wait("WATCHED")]);
    const r = await pendingOf(a.session);
    await sees(new RegExp(`^\\S+  pending  ${r.id}  work/WATCHED  session ${a.session}  \\S+: e2e read of WATCHED$`, "m"), "the new request's line");
    assert.ok(!out.includes("\x07"), "no bell when stdout is not a terminal");
    const note = await pollUntil(
      () =>
        existsSync(notes) &&
        readFileSync(notes, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as string[])
          .find((n) => n.join(" ").includes(r.id)),
      { what: "notify-send for the new request", tolerate: true }, // a line being written does not parse yet
    );
    assert.deepEqual(note.slice(0, 3), ["--app-name=warden", "--", "warden: work/WATCHED needs approval"]);
    assert.ok(!note.join(" ").includes("value-of-"), "never a secret");

    assert.equal((await cli(["approve", r.id, "--once"])).code, 0);
    await sees(new RegExp(`approved ${r.id}  work/WATCHED  grant \\S+ \\(one read\\)`), "the decision's line");
    assert.equal((await a.replies(1))[0]!.value, "value-of-WATCHED");

    watcher.kill("SIGINT");
    assert.equal(await exited, 0, err);
    assert.equal(err, "");
  });
});
