// Secrets on the new paths that write text: a scope an agent declares, a scope a person sets, a
// reason a person types when denying. A value the daemon knows (a vault unlocked) and one the
// rules detect must reach neither approvals/<host>.jsonl, the audit log, the ledger, the
// projection, approvals.list nor the approvals notifications.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { agentScript, startAgent } from "../helpers/approval-agent.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "correct-horse-PASSPHRASE";
/** A value the daemon knows once the vault is unlocked; a valid scope (printable, no spaces). */
const KNOWN = "kn0wn-Secret-Value-5e9b2a71";
/** One the rules detect (a GitHub token), known to nobody. */
const DETECTED = `ghp_${"A1b2C3d4E5".repeat(3)}f6G7h8`;

let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);
const get = (scope: string, reason: string) => ({ method: "vault.get", params: { vault: "work", name: "TOKEN", scope, reason } });

/** Where either secret is stored: the ledger, the audit log, the projection with its WAL, the approvals journal. */
function leaks(): string[] {
  const found: string[] = [];
  const look = (dir: string, keep: (f: string) => boolean = () => true) => {
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      const bytes = keep(f) ? readFileSync(join(dir, f), "latin1") : "";
      for (const s of [KNOWN, DETECTED])
        if (bytes.includes(s)) found.push(`${join(dir, f)}: ${bytes.slice(Math.max(0, bytes.indexOf(s) - 80), bytes.indexOf(s) + 40)}`);
    }
  };
  look(join(home.home, "ledger", "testhost"));
  look(join(home.home, "audit"), (f) => f.endsWith(".jsonl"));
  look(home.runRoot, (f) => f.startsWith("projection.sqlite"));
  look(join(home.home, "approvals"));
  return found;
}

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wam-")));
  agentScript(project);
  home = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project] } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "TOKEN", "--approval", "always", "--passphrase-stdin"], `${PASS}\ntoken-value-1\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "KNOWN", "--passphrase-stdin"], `${PASS}\n${KNOWN}\n`)).code, 0);
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
});
after(async () => {
  c?.close();
  await d?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

describe("secrets in approvals and scopes", () => {
  it("an agent's declared scope holding a secret is masked in the read's audit record", async () => {
    const a = await startAgent(c, d.socket, project, [get(KNOWN, "declared-known"), get(DETECTED, "declared-detected")]);
    assert.deepEqual(
      (await a.replies(2)).map((r) => r.error?.kind),
      ["scope_denied", "scope_denied"],
    );
    const records = await pollUntil(
      async () => {
        const rs = (await c.call("audit.list", { limit: 1000 })).records.filter((r: any) => String(r.reason).startsWith("declared-"));
        return rs.length === 2 ? rs : null;
      },
      { what: "both refusals on record" },
    );
    for (const r of records as any[]) assert.ok(r.scope && !r.scope.includes(KNOWN) && !r.scope.includes(DETECTED), `scope on record: ${r.scope}`);
    assert.deepEqual(leaks(), []);
    await a.finish();
  });

  it("a session's scopes, the request's scope and a deny reason holding secrets are masked everywhere they are written or sent", async () => {
    const watcher = await RpcClient.connect(d.socket);
    const sent: string[] = [];
    watcher.onNotification("approvals.requested", (p) => sent.push(JSON.stringify(p)));
    watcher.onNotification("approvals.decided", (p) => sent.push(JSON.stringify(p)));
    await watcher.call("approvals.subscribe");
    const a = await startAgent(c, d.socket, project, [{ waitFor: "go" }, { ...get(KNOWN, "asks"), params: { ...get(KNOWN, "asks").params, wait: true } }]);
    await c.call("sessions.setScope", { session: a.session, scopes: [KNOWN, DETECTED], allow: [] });
    a.touch("go");
    const request = await pollUntil(async () => (await c.call("approvals.list", { session: a.session, state: "pending" })).requests[0], {
      what: "the pending request",
    });
    await c.call("approvals.decide", { request: request.id, decision: "deny", reason: `no: ${KNOWN} ${DETECTED}` });
    const [reply] = await a.replies(1);
    assert.equal(reply!.error?.kind, "approval_denied");
    await pollUntil(() => sent.length === 2, { what: "both notifications" });
    const listed = JSON.stringify((await c.call("approvals.list", { session: a.session })).requests);
    for (const text of [...sent, listed]) for (const s of [KNOWN, DETECTED]) assert.ok(!text.includes(s), `sent: ${text}`);
    assert.deepEqual(leaks(), []);
    watcher.close();
    await a.finish();
  });
});
