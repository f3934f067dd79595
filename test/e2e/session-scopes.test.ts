// Session credential scopes: a session's agent reads what its session was launched for (scopes,
// and entries allowed by name), whatever scope it declares; anything else needs a person's
// approval (approval_pending, naming the request it made). People read as before, and only
// people change a session's scope (sessions.setScope), on record in its ledger and the audit log.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import type { TestDaemon } from "../helpers/daemon.js";
import type { TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { type Watch, watch } from "../helpers/sessions.js";
import { startVaultHome, stopVaultHome } from "../helpers/vault-home.js";

const node = process.execPath;
let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

before(async () => {
  ({ home, d, c, project } = await startVaultHome([
    { name: "DEV_KEY", value: "dev-value-0123456789", scope: "dev" },
    { name: "PROD_KEY", value: "prod-value-0123456789", scope: "prod" },
    { name: "PLAIN", value: "plain-value-0123456789" },
  ]));
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], "correct-horse-PASSPHRASE\n")).code, 0);
});
after(() => stopVaultHome({ home, d, c, project }));

// An agent: a task that reads JSON lines on stdin, `{via, call}`, sends each call on agent.sock
// ($WARDEN_SOCKET) or warden.sock (argv[1]), and prints each answer as one line: the result's name
// (never a value), or the error's kind and data.
const AGENT = `
  const net = require("node:net"), rl = require("node:readline");
  const socks = { agent: net.connect(process.env.WARDEN_SOCKET), full: net.connect(process.argv[1]) };
  for (const s of Object.values(socks)) {
    let buf = "";
    s.on("data", (d) => {
      buf += d; let n;
      while ((n = buf.indexOf("\\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, n)); buf = buf.slice(n + 1);
        console.log(JSON.stringify(m.error ? { id: m.id, kind: m.error.data && m.error.data.kind, data: m.error.data } : { id: m.id, ok: m.result.name ?? true }));
      }
    });
  }
  rl.createInterface({ input: process.stdin }).on("line", (l) => { const { via, call } = JSON.parse(l); socks[via].write(JSON.stringify(call) + "\\n"); });`;

interface Answer {
  id: number;
  ok?: string | true;
  kind?: string;
  data?: Record<string, unknown>;
}

interface Agent {
  session: string;
  w: Watch;
  ask(method: string, params: object, via?: "agent" | "full"): Promise<Answer>;
  get(name: string, scope?: string, reason?: string): Promise<Answer>;
  end(): Promise<void>;
}

let calls = 0;

async function agent(session: string): Promise<Agent> {
  const w = await watch(c, session);
  const answers = (): Answer[] =>
    w
      .output("stdout")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Answer);
  const ask = async (method: string, params: object, via: "agent" | "full" = "agent"): Promise<Answer> => {
    const id = ++calls;
    await c.call("sessions.input", { session, data: `${JSON.stringify({ via, call: { jsonrpc: "2.0", id, method, params } })}\n` });
    await w.until(() => answers().some((a) => a.id === id), `the agent's answer to call ${id} (${method})`, 15_000);
    return answers().find((a) => a.id === id)!;
  };
  const get = (name: string, scope?: string, reason = `read ${name}`) => ask("vault.get", { vault: "work", name, reason, ...(scope ? { scope } : {}) });
  const end = async () => {
    await c.call("sessions.kill", { session, signal: "SIGKILL" });
    await w.exit();
  };
  return { session, w, ask, get, end };
}

async function launchAgent(params: { scopes?: string[]; allow?: string[] }): Promise<Agent> {
  const s = await c.call("sessions.launch", { argv: [node, "-e", AGENT, d.socket], cwd: project, mode: "task", ...params });
  return agent(s.id);
}

const needsApproval = (a: Answer) => a.kind === "approval_pending" && typeof a.data?.request === "string";

async function auditRecords(pred: (r: Record<string, any>) => boolean, what: string): Promise<Array<Record<string, any>>> {
  return pollUntil(
    async () => {
      const found = (await c.call("audit.list", { limit: 1000 })).records.filter(pred);
      return found.length > 0 ? found.sort((x, y) => Number(x.seq) - Number(y.seq)) : null;
    },
    { what },
  );
}

describe("a session's agent reads under its session's credential scope", () => {
  it("launched with --scope dev: reads dev entries, not a declared prod, and nothing outside without approval", async () => {
    const r = await cli(["run", "--cwd", project, "--scope", "dev", "--json", "--", node, "-e", AGENT, d.socket]);
    assert.equal(r.code, 0, r.stderr);
    const s = r.json() as { id: string; credentials: unknown };
    assert.deepEqual(s.credentials, { scopes: ["dev"], allow: [] });
    const a = await agent(s.id);
    try {
      assert.equal((await a.get("DEV_KEY")).ok, "DEV_KEY", "its session's scope, declared or not");
      assert.equal((await a.get("DEV_KEY", "dev")).ok, "DEV_KEY");
      assert.equal((await a.get("DEV_KEY", "dev", "on warden.sock")).ok, "DEV_KEY");
      const prod = await a.get("DEV_KEY", "prod");
      assert.equal(prod.kind, "scope_denied", "a declared scope outside the session's");
      const outside = await a.get("PROD_KEY");
      assert.ok(needsApproval(outside), JSON.stringify(outside));
      const [asked] = (await c.call("approvals.list", { session: s.id })).requests.filter((q: { id: string }) => q.id === outside.data?.request);
      assert.deepEqual({ vault: asked?.vault, name: asked?.name }, { vault: "work", name: "PROD_KEY" });
      assert.ok(needsApproval(await a.get("PROD_KEY", "dev")), "declaring its own scope does not reach another's entry");
      assert.ok(needsApproval(await a.get("PLAIN")), "an unscoped entry is outside every scope");
      // On record: the session and the scopes the read was judged under.
      const [rec] = await auditRecords((x) => x.action === "get" && x.reason === "read DEV_KEY" && x.outcome === "ok", "the agent's read on record");
      assert.equal(rec!.session, s.id);
      assert.deepEqual(rec!.detail?.sessionScopes, ["dev"]);
      const [refused] = await auditRecords((x) => x.action === "get" && x.name === "PROD_KEY" && x.session === s.id, "the refused read on record");
      assert.deepEqual([refused!.outcome, refused!.kind], ["denied", "approval_pending"]);
    } finally {
      await a.end();
    }
  });

  it("launched without a scope: reads nothing, unscoped or declared", async () => {
    const a = await launchAgent({});
    try {
      assert.deepEqual((await c.call("sessions.get", { session: a.session })).credentials, { scopes: [], allow: [] });
      assert.ok(needsApproval(await a.get("PLAIN")));
      assert.equal((await a.get("DEV_KEY", "dev")).kind, "scope_denied");
    } finally {
      await a.end();
    }
  });

  it("--allow work/PLAIN: that one entry, and no other", async () => {
    const a = await launchAgent({ allow: ["work/PLAIN"] });
    try {
      assert.equal((await a.get("PLAIN")).ok, "PLAIN");
      assert.ok(needsApproval(await a.get("DEV_KEY")));
    } finally {
      await a.end();
    }
  });

  it("an agent that is not one of a live session's (on agent.sock from outside a session, or of an ended session) reads nothing", async () => {
    const { RpcClient } = await import("../../src/rpc/client.js");
    const { join } = await import("node:path");
    const outsider = await RpcClient.connect(join(home.runRoot, "agent.sock"));
    try {
      await assert.rejects(outsider.call("vault.get", { vault: "work", name: "PLAIN", reason: "outsider" }), (e: any) => e.kind === "approval_pending");
    } finally {
      outsider.close();
    }
  });
});

describe("a person", () => {
  it("reads as before: the declared scope against the entry's", async () => {
    assert.equal((await c.call("vault.get", { vault: "work", name: "DEV_KEY", scope: "dev", reason: "person" })).value, "dev-value-0123456789");
    assert.equal((await c.call("vault.get", { vault: "work", name: "PLAIN", reason: "person" })).value, "plain-value-0123456789");
    await assert.rejects(c.call("vault.get", { vault: "work", name: "DEV_KEY", reason: "person" }), (e: any) => e.kind === "scope_denied");
    await assert.rejects(c.call("vault.get", { vault: "work", name: "PROD_KEY", scope: "dev", reason: "person" }), (e: any) => e.kind === "scope_denied");
  });

  it("injects at launch a scoped entry sharing one of the session's scopes, and any unscoped one", async () => {
    const ok = await c.call("sessions.launch", {
      argv: ["true"],
      cwd: project,
      mode: "task",
      scopes: ["ci", "dev"],
      secrets: { K: "work/DEV_KEY", P: "work/PLAIN" },
      reason: "inject dev",
    });
    await (await watch(c, ok.id)).exit();
    const [rec] = await auditRecords((x) => x.action === "get" && x.reason === "inject dev" && x.name === "DEV_KEY", "the injection on record");
    assert.equal(rec!.scope, "dev", "the scope presented is on record");
    const before = (await c.call("sessions.list", { limit: 1000 })).sessions.length;
    const refused = c.call("sessions.launch", { argv: ["true"], cwd: project, mode: "task", scopes: ["dev"], secrets: { K: "work/PROD_KEY" } });
    await assert.rejects(refused, (e: any) => e.kind === "scope_denied");
    const bare = c.call("sessions.launch", { argv: ["true"], cwd: project, mode: "task", secrets: { K: "work/DEV_KEY" } });
    await assert.rejects(bare, (e: any) => e.kind === "scope_denied");
    assert.equal((await c.call("sessions.list", { limit: 1000 })).sessions.length, before, "nothing started");
  });
});

describe("sessions.setScope", () => {
  it("is denied to the session's own agent on either socket; a person's change is in force from the next read, on record", async () => {
    const a = await launchAgent({ scopes: ["dev"] });
    try {
      assert.equal((await a.get("DEV_KEY", undefined, "same read")).ok, "DEV_KEY");
      assert.ok(needsApproval(await a.get("PLAIN")));
      const widen = { session: a.session, scopes: ["dev", "ops"], allow: ["work/PLAIN"] };
      assert.equal((await a.ask("sessions.setScope", widen, "agent")).kind, "denied");
      assert.equal((await a.ask("sessions.setScope", widen, "full")).kind, "denied", "rights follow the peer, not the socket");
      assert.ok(needsApproval(await a.get("PLAIN")), "the agent's attempts changed nothing");

      const r = await cli(["sessions", "scope", a.session, "--scope", "dev", "--scope", "ops", "--allow", "work/PLAIN", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const set = r.json() as { session: string; seq: number; credentials: unknown };
      assert.deepEqual(set.credentials, { scopes: ["dev", "ops"], allow: ["work/PLAIN"] });
      assert.equal((await a.get("PLAIN")).ok, "PLAIN", "widened");
      assert.ok(needsApproval(await a.get("PROD_KEY")), "only by what was given");

      // A scope event in the session's ledger, and an audit record naming the session.
      const events = (await c.call("events.read", { session: a.session })).events;
      const scopeEvent = events.find((e) => e.seq === set.seq)!;
      assert.equal(scopeEvent.kind, "scope");
      assert.deepEqual(scopeEvent.data, { scopes: ["dev", "ops"], allow: ["work/PLAIN"] });
      const [rec] = await auditRecords((x) => x.action === "set_scope" && x.session === a.session, "the scope change on record");
      assert.equal(rec!.outcome, "ok");
      assert.deepEqual(rec!.detail, { scopes: ["dev", "ops"], allow: ["work/PLAIN"] });
      assert.deepEqual((await c.call("sessions.get", { session: a.session })).credentials, set.credentials);
      const shown = await cli(["sessions", "get", a.session]);
      assert.match(shown.stdout, /^scopes +dev, ops$/m);
      assert.match(shown.stdout, /^allow +work\/PLAIN$/m);

      // Narrowed: the same read as the first is judged again, not answered as its repeat.
      await c.call("sessions.setScope", { session: a.session, scopes: [], allow: [] });
      assert.ok(needsApproval(await a.get("DEV_KEY", undefined, "same read")));
      const reads = await pollUntil(
        async () => {
          const found = await auditRecords((x) => x.action === "get" && x.reason === "same read", "both reads on record");
          return found.length === 2 ? found : null;
        },
        { what: "both reads on record" },
      );
      assert.deepEqual(
        reads.map((x) => [x.outcome, x.detail?.sessionScopes]),
        [
          ["ok", ["dev"]],
          ["denied", []],
        ],
      );
    } finally {
      await a.end();
    }
    // Ended: a conflict; its last scope is still shown.
    await assert.rejects(c.call("sessions.setScope", { session: a.session, scopes: ["dev"] }), (e: any) => e.kind === "conflict");
    assert.deepEqual((await c.call("sessions.get", { session: a.session })).credentials, { scopes: [], allow: [] });
  });

  it("answers not_found for an unknown session", async () => {
    await assert.rejects(c.call("sessions.setScope", { session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11", scopes: [] }), (e: any) => e.kind === "not_found");
  });

  it("a log session has no credential scope", async () => {
    const s = await c.call("sessions.open", { title: "log" });
    assert.equal(s.credentials, null);
    assert.equal((await c.call("sessions.get", { session: s.id })).credentials, null);
  });
});

describe("the command line checks scopes and entries as the protocol does", () => {
  for (const args of [
    ["run", "--scope", "has space", "--", "true"],
    ["run", "--allow", "no-slash", "--", "true"],
    ["launch", "shell", "--scope", ""],
    ["sessions", "scope", "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11", "--allow", "no-slash"],
  ]) {
    it(`${args.join(" ")}: usage error`, async () => {
      const r = await cli([...args, "--json"]);
      assert.equal(r.code, 2, r.stderr);
    });
  }
});
