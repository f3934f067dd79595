// Issue 11, audit flooding: identical reads within a second are coalesced into one record with a
// `count` (the chain still verifies, and every read is on record before its value is sent, even
// across SIGKILL); vault.get is rate-limited per agent session (people are not); and the caller's
// argv is masked before it reaches the audit log.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { watch } from "../helpers/sessions.js";

const PASS = "flood-PASSPHRASE-1234";
// Matches no token rule: only the vault's own values can catch it. Never read by anyone below.
const UNSERVED = "vault-only-Zq8Wm3Rt6Yp1";
const GITHUB = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8";
/** Chosen by a person: not random enough for the token rules, masked as a password after its flag. */
const HUMAN = "Hunter2SuperSecretValue99x";
const node = process.execPath;

let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);
const auditText = () => readFileSync(join(home.home, "audit", "testhost.jsonl"), "utf8");
const auditRecords = () =>
  auditText()
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, any>);
/** The reads a record stands for: `count`, 1 when absent. */
const reads = (rs: Array<Record<string, any>>) => rs.reduce((n, r) => n + (r.count ?? 1), 0);

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  home = tempHome({ vault: { kdf: "interactive", rateLimit: { perSec: 1, burst: 5 } }, sessions: { projects: [project] } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "KEY", "--scope", "dev", "--scope", "ci", "--passphrase-stdin"], `${PASS}\nkey-value-0123456789`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "PLAIN", "--passphrase-stdin"], `${PASS}\nplain-value-0123`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "UNSERVED", "--passphrase-stdin"], `${PASS}\n${UNSERVED}`)).code, 0);
  d = await startTestDaemon(home);
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  c = await RpcClient.connect(d.socket);
});
after(async () => {
  c?.close();
  await d?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

/** `n` reads at once; each settles to "value" or the error's kind. */
function burst(n: number, params: Record<string, unknown>): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, () =>
      c.call("vault.get", { vault: "work", ...params } as never).then(
        () => "value",
        (e: any) => e.kind as string,
      ),
    ),
  );
}

describe("coalesced audit records", () => {
  it("records N identical reads as the first read plus one record with the rest's count; the chain verifies", async () => {
    const got = await burst(40, { name: "PLAIN", reason: "coalesce-same" });
    assert.deepEqual(new Set(got), new Set(["value"]));
    const mine = auditRecords().filter((r) => r.reason === "coalesce-same");
    assert.equal(reads(mine), 40, "every read is counted");
    assert.ok(mine.length <= 4, `${mine.length} records for 40 identical reads`);
    const summary = mine.find((r) => r.count !== undefined);
    assert.ok(summary, "a record with a count");
    assert.equal(summary.action, "get");
    assert.equal(summary.outcome, "ok");
    assert.equal(summary.coalesces, mine[0]!.seq, "it names the record it repeats");
    assert.ok(summary.first <= summary.last && typeof summary.first === "string");
    assert.equal(summary.peer.pid, process.pid);

    const verify = await cli(["audit", "verify", "--json"]);
    assert.equal(verify.code, 0, verify.stdout);
    assert.equal(verify.json().ok, true);
    assert.ok(verify.json().reads >= verify.json().records, "verify counts the reads records stand for");

    // The projection keeps the record as written: audit list shows the count.
    let listed: Array<Record<string, any>> = [];
    for (let i = 0; i < 100 && !listed.some((r) => r.count !== undefined); i++) {
      listed = (await cli(["audit", "list", "--limit", "1000", "--json"])).json().records.filter((r: any) => r.reason === "coalesce-same");
    }
    assert.equal(reads(listed), 40);
    const human = (await cli(["audit", "list", "--limit", "1000"])).stdout;
    assert.match(human, new RegExp(`count=${summary.count}\\b`));
  });

  it("keeps reads apart that differ in reason, scope, name or outcome", async () => {
    const results = await Promise.all([
      burst(5, { name: "KEY", scope: "dev", reason: "apart" }),
      burst(5, { name: "KEY", scope: "ci", reason: "apart" }),
      burst(5, { name: "PLAIN", reason: "apart" }),
      burst(5, { name: "PLAIN", reason: "apart-2" }),
      burst(5, { name: "KEY", reason: "apart" }), // scope_denied: another outcome
    ]);
    assert.deepEqual(
      results.map((r) => r[0]),
      ["value", "value", "value", "value", "scope_denied"],
    );
    const mine = auditRecords().filter((r) => r.reason === "apart" || r.reason === "apart-2");
    const groups = new Map<string, Array<Record<string, any>>>();
    for (const r of mine) {
      const key = [r.name, r.scope, r.reason, r.outcome].join("|");
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    assert.equal(groups.size, 5, [...groups.keys()].join(", "));
    for (const [key, rs] of groups) {
      assert.equal(reads(rs), 5, key);
      assert.ok(rs.length < 5, `${key}: each group is coalesced on its own`);
    }
    assert.equal((await cli(["audit", "verify", "--json"])).code, 0);
  });
});

describe("argv of the caller", () => {
  it("is masked in the audit log (and the declared caller): a vault value never served, and a token shape", async () => {
    // A script that carries secrets on its command line reads another entry.
    const script = `
      const sock = require("node:net").connect(process.argv[1]);
      sock.on("connect", () => sock.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "vault.get", params: { vault: "work", name: "PLAIN", reason: "argv-mask", caller: process.argv[3] } }) + "\\n"));
      sock.on("data", (b) => { process.stdout.write(b); sock.end(); });`;
    // And a person's password as the argument after its flag, as a command line carries it.
    const child = spawn(node, ["-e", script, d.socket, `--token=${UNSERVED}`, GITHUB, "--password", HUMAN], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    await new Promise((r) => child.once("exit", r));
    assert.equal(JSON.parse(out).result.value, "plain-value-0123");

    const record = auditRecords().find((r) => r.reason === "argv-mask");
    assert.ok(
      record?.peer?.argv?.some((a: string) => a.includes("[MASKED:")),
      JSON.stringify(record?.peer),
    );
    assert.ok(record!.peer.argv.includes(d.socket), "the rest of argv is kept");
    assert.match(record!.caller, /^\[MASKED:[a-z-]+\]$/, "a declared caller is masked too");
    const file = auditText();
    assert.ok(!file.includes(UNSERVED) && !file.includes(GITHUB) && !file.includes(HUMAN), "no trace in the audit file");
    const listed = JSON.stringify((await cli(["audit", "list", "--limit", "1000", "--json"])).json());
    assert.ok(listed.includes("argv-mask"));
    assert.ok(!listed.includes(UNSERVED) && !listed.includes(GITHUB), "no trace in audit list");
  });
});

describe("rate limit", () => {
  // Runs inside a session: sends every call at once on $WARDEN_SOCKET, prints each outcome.
  const probe = `
    const sock = require("node:net").connect(process.env.WARDEN_SOCKET);
    const n = Number(process.argv[1]); let buf = "", got = [];
    sock.on("connect", () => {
      let batch = "";
      for (let i = 0; i < n; i++) batch += JSON.stringify({ jsonrpc: "2.0", id: i, method: "vault.get", params: { vault: "work", name: "PLAIN", reason: "agent-" + i } }) + "\\n";
      sock.write(batch);
    });
    sock.on("data", (d) => {
      buf += d; let k;
      while ((k = buf.indexOf("\\n")) >= 0) {
        const m = JSON.parse(buf.slice(0, k)); buf = buf.slice(k + 1);
        got.push(m.error ? { code: m.error.code, kind: m.error.data.kind, retryAfterMs: m.error.data.retryAfterMs } : { value: true });
      }
      if (got.length === n) { console.log(JSON.stringify(got)); sock.end(); }
    });`;

  it("answers rate_limited to an agent session past its burst, with retryAfterMs", async () => {
    const s = await c.call("sessions.launch", { argv: [node, "-e", probe, "20"], cwd: project, mode: "task", allow: ["work/PLAIN"] });
    const w = await watch(c, s.id);
    assert.equal((await w.exit()).code, 0, w.output("stderr"));
    const got = JSON.parse(w.output("stdout")) as Array<{ value?: true; code?: number; kind?: string; retryAfterMs?: number }>;
    const limited = got.filter((g) => g.kind === "rate_limited");
    // burst 5, 1 per second: whatever the machine's speed, most of 20 calls sent at once are refused.
    assert.ok(limited.length >= 10, JSON.stringify(got));
    assert.ok(got.filter((g) => g.value).length >= 5);
    for (const l of limited) {
      assert.equal(l.code, -32009);
      assert.ok(typeof l.retryAfterMs === "number" && l.retryAfterMs > 0 && l.retryAfterMs <= 1000, JSON.stringify(l));
    }
    const refused = auditRecords().filter((r) => r.kind === "rate_limited");
    assert.ok(reads(refused) >= limited.length, "refusals are audited too");
  });

  it("gives agents whose session cannot be told one budget together: a new process per call gets no new burst", async () => {
    // On agent.sock from outside any session: restricted, session unknown (as a setsid escapee is).
    const env = { ...process.env, WARDEN_SOCKET: join(dirname(d.socket), "agent.sock") };
    const run = (n: number) => {
      const r = spawnSync(node, ["-e", probe, String(n)], { env, encoding: "utf8", timeout: 20_000 });
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as Array<{ value?: true; kind?: string }>).filter((g) => g.kind === "rate_limited").length;
    };
    assert.equal(run(5), 0, "the first process spends the burst");
    // burst 5, 1 per second: a second process a moment later finds at most a token or two.
    assert.ok(run(5) >= 2, "the second process is limited too");
  });

  it("does not limit a person", async () => {
    const got = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        c.call("vault.get", { vault: "work", name: "PLAIN", reason: `person-${i}` }).then(
          () => "value",
          (e: any) => e.kind,
        ),
      ),
    );
    assert.deepEqual(new Set(got), new Set(["value"]));
  });
});

describe("recorded before sent", () => {
  it("every read whose value came back is in the audit file after SIGKILL", async () => {
    const h = tempHome({ vault: { kdf: "interactive" } });
    const run = (args: string[], input?: string) => runCli(args, h.env, 30_000, input);
    try {
      assert.equal((await run(["vault", "init", "v", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
      assert.equal((await run(["vault", "add", "v", "K", "--passphrase-stdin"], `${PASS}\nvalue-0123456`)).code, 0);
      const daemon = await startTestDaemon(h);
      assert.equal((await run(["vault", "unlock", "v", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
      const client = await RpcClient.connect(daemon.socket);
      let served = 0;
      const one = () => client.call("vault.get", { vault: "v", name: "K", reason: "crash" }).then(() => void served++);
      // A first read, then repeats: they wait for the coalesced record.
      await one();
      await Promise.all(Array.from({ length: 25 }, one));
      await one();
      await daemon.kill("SIGKILL"); // at once: nothing after the last reply is given a chance to write
      client.close();
      const recs = readFileSync(join(h.home, "audit", "testhost.jsonl"), "utf8")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, any>)
        .filter((r) => r.reason === "crash");
      assert.equal(served, 27);
      assert.ok(reads(recs) >= served, `${reads(recs)} reads on record, ${served} served`);
      assert.ok(
        recs.some((r) => r.count !== undefined),
        "the repeats were coalesced",
      );
      const verify = await run(["audit", "verify", "--json"]);
      assert.equal(verify.json().ok, true, verify.stdout);
    } finally {
      h.cleanup();
    }
  });
});
