// The people's side of approvals without a daemon: approve/deny options turned into decide params
// (durations, --for against --once), usage errors before anything is asked, help for every
// command, the lines and tables a person reads, and how `approvals watch` gets attention (the bell
// on a terminal only; notify-send run from an argv, detached, with a short body).
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import type { ApprovalRequest, Grant } from "../../protocol/index.js";
import { alerts, findNotifySend, NOTIFY_BODY_MAX, shorten } from "../../src/cli/approval-alerts.js";
import { approveParams, decidedText, denyParams } from "../../src/cli/approval-decide.js";
import { decisionLine, grantsTable, requestLine, requestNotice, requestsTable } from "../../src/cli/approval-format.js";
import { runCli } from "../helpers/cli.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const home = tempHome({ vault: { kdf: "interactive" } });
after(() => home.cleanup());

const usage = (f: () => unknown, option?: string) => assert.throws(f, (e: any) => e.kind === "usage" && (option === undefined || e.details.option === option));

describe("warden approve / deny options", () => {
  it("approve defaults to a 10-minute grant", () => {
    assert.deepEqual(approveParams("r-1", undefined, false), { request: "r-1", decision: "approve", for: 600 });
  });

  it("takes --for as a duration in whole seconds, or --once", () => {
    assert.equal(approveParams("r-1", "30s", false).for, 30);
    assert.equal(approveParams("r-1", "10m", false).for, 600);
    assert.equal(approveParams("r-1", "2h", false).for, 7200);
    assert.equal(approveParams("r-1", "30d", false).for, 30 * 86400);
    assert.deepEqual(approveParams("r-1", undefined, true), { request: "r-1", decision: "approve", once: true });
  });

  it("refuses --for with --once, bad or out-of-range durations, and bad ids as usage errors", () => {
    usage(() => approveParams("r-1", "10m", true), "--once");
    for (const d of ["10x", "soon", "0", "-5m", "1.5s", "500ms", "31d"]) usage(() => approveParams("r-1", d, false), "--for");
    usage(() => approveParams("bad id!", "10m", false));
    usage(() => denyParams("r-1", ""));
    assert.deepEqual(denyParams("r-1", "use the staging key"), { request: "r-1", decision: "deny", reason: "use the staging key" });
    assert.deepEqual(denyParams("r-1", undefined), { request: "r-1", decision: "deny" });
  });

  it("exits 2 with kind usage before asking any daemon", async () => {
    for (const args of [
      ["approve", "r-1", "--for", "1m", "--once"],
      ["approve", "r-1", "--for", "10x"],
      ["deny", "r-1", "--reason", ""],
      ["approvals", "list", "--state", "open"],
      ["approvals", "list", "--session", "not a session"],
      ["grants", "revoke", "not a grant!"],
    ]) {
      const r = await runCli([...args, "--json"], home.env);
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.json().error.kind, "usage", args.join(" "));
    }
    const missing = await runCli(["approve"], home.env);
    assert.equal(missing.code, 2, "an id is required");
  });

  it("without a daemon, a decision exits 3 (unavailable)", async () => {
    const r = await runCli(["approve", "r-1", "--json"], home.env);
    assert.equal(r.code, 3);
    assert.equal(r.json().error.kind, "unavailable");
  });

  it("has help with examples for every command, and lists the groups", async () => {
    for (const cmd of [["approvals", "list"], ["approvals", "watch"], ["approve"], ["deny"], ["grants", "list"], ["grants", "revoke"]]) {
      const r = await runCli([...cmd, "--help"], home.env);
      assert.equal(r.code, 0, cmd.join(" "));
      assert.match(r.stdout, /Examples/, cmd.join(" "));
      assert.ok(r.stdout.includes(`$ warden ${cmd.join(" ")}`), cmd.join(" "));
    }
    for (const group of ["approvals", "grants"]) {
      const r = await runCli([group, "--help"], home.env);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.includes(`warden ${group} list`));
    }
  });
});

describe("warden vault add|set --approval", () => {
  const PASS = "correct-horse-PASSPHRASE";
  it("stores the entry's approval policy; a policy that does not exist is a usage error", async () => {
    assert.equal((await runCli(["vault", "init", "pol", "--passphrase-stdin"], home.env, 30_000, `${PASS}\n`)).code, 0);
    const bad = await runCli(["vault", "add", "pol", "A", "--approval", "sometimes", "--passphrase-stdin", "--json"], home.env, 30_000, `${PASS}\nv\n`);
    assert.equal(bad.code, 2);
    assert.deepEqual([bad.json().error.kind, bad.json().error.option], ["usage", "--approval"]);
    const plain = await runCli(["vault", "add", "pol", "A", "--passphrase-stdin", "--json"], home.env, 30_000, `${PASS}\nv\n`);
    assert.equal(plain.json().approval, "outside-scope", "the default");
    const always = await runCli(["vault", "add", "pol", "B", "--approval", "always", "--passphrase-stdin", "--json"], home.env, 30_000, `${PASS}\nv\n`);
    assert.equal(always.code, 0, always.stderr);
    assert.equal(always.json().approval, "always");
    const kept = await runCli(
      ["vault", "set", "pol", "B", "--keep-value", "--description", "d", "--passphrase-stdin", "--json"],
      home.env,
      30_000,
      `${PASS}\n`,
    );
    assert.equal(kept.json().approval, "always", "set keeps the policy unless told");
    const never = await runCli(
      ["vault", "set", "pol", "B", "--keep-value", "--approval", "never", "--passphrase-stdin", "--json"],
      home.env,
      30_000,
      `${PASS}\n`,
    );
    assert.equal(never.code, 0, never.stderr);
    assert.equal(never.json().approval, "never");
  });
});

const request = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  id: "r-1",
  ts: "2026-11-23T10:00:00.000Z",
  session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11",
  peer: { uid: 1000, pid: 4242, exe: "/usr/bin/python3", argv: ["python3", "deploy.py"] },
  vault: "work",
  name: "DEPLOY_TOKEN",
  scope: null,
  reason: "deploy to staging",
  state: "pending",
  expiresAt: "2026-11-23T10:05:00.000Z",
  decidedAt: null,
  by: null,
  denyReason: null,
  grant: null,
  ...over,
});
const grant = (over: Partial<Grant> = {}): Grant => ({
  id: "g-1",
  ts: "2026-11-23T10:00:30.000Z",
  session: "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11",
  vault: "work",
  name: "DEPLOY_TOKEN",
  until: "2026-11-23T10:10:30.000Z",
  once: false,
  request: "r-1",
  by: { uid: 1000, pid: 5151 },
  ...over,
});
const T = Date.parse("2026-11-23T10:02:00.000Z");

describe("approval lines and tables", () => {
  it("lists requests with id, age, session, entry, scope, peer and reason", () => {
    const lines = requestsTable([request(), request({ id: "r-2", scope: "dev", peer: { uid: 1000, pid: 7, exe: null, argv: ["node"] } })], T).split("\n");
    assert.match(lines[0]!, /^ID\s+AGE\s+SESSION\s+ENTRY\s+SCOPE\s+PEER\s+REASON$/);
    assert.match(lines[1]!, /^r-1\s+2m\s+0193a7c2-\S+\s+work\/DEPLOY_TOKEN\s+-\s+\/usr\/bin\/python3\s+deploy to staging$/);
    assert.match(lines[2]!, /^r-2\s+2m\s+\S+\s+work\/DEPLOY_TOKEN\s+dev\s+node\s+deploy to staging$/);
  });

  it("shows the state only when some request is not pending", () => {
    assert.match(requestsTable([request(), request({ id: "r-2", state: "denied" })], T).split("\n")[0]!, /\bSTATE\b/);
  });

  it("takes control characters out of a reason and cuts it short", () => {
    const line = requestLine(request({ reason: `evil\x1b[2J\r\nreason ${"x".repeat(200)}` }));
    assert.ok(!/[\x00-\x1f]/.test(line), "no control characters");
    assert.ok(line.includes("evil [2J reason"), line);
    assert.ok(line.endsWith("…"), line);
    assert.equal([...shorten("y".repeat(500), NOTIFY_BODY_MAX)].length, NOTIFY_BODY_MAX);
  });

  it("takes control characters out of the peer's executable and argv[0] (the asking process names them)", () => {
    const spoof = "/tmp/x\r\x1b[2K2026-11-23T10:00:00.000Z  pending  r-9  work/HARMLESS";
    const requests = [
      request({ peer: { uid: 1000, pid: 7, exe: spoof, argv: null } }),
      request({ id: "r-2", peer: { uid: 1000, pid: 7, exe: null, argv: [spoof] } }),
    ];
    for (const text of [requestsTable(requests, T), ...requests.map(requestLine), ...requests.map((r) => requestNotice(r).body)]) {
      assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(text), JSON.stringify(text));
      assert.ok(text.includes("/tmp/x [2K2026"), text);
    }
  });

  it("one watch line per request and per decision", () => {
    assert.match(
      requestLine(request({ scope: "dev" })),
      /^2026-11-23T10:00:00.000Z {2}pending {2}r-1 {2}work\/DEPLOY_TOKEN {2}session \S+ {2}scope dev {2}\/usr\/bin\/python3: deploy to staging$/,
    );
    const approved = request({ state: "approved", decidedAt: "2026-11-23T10:00:30.000Z", grant: "g-1" });
    assert.match(decisionLine(approved, grant(), T), /^2026-11-23T10:00:30.000Z {2}approved r-1 {2}work\/DEPLOY_TOKEN {2}grant g-1 \(8m 30s left\)$/);
    const denied = request({ state: "denied", decidedAt: "2026-11-23T10:00:30.000Z", denyReason: "no" });
    assert.match(decisionLine(denied, null, T), / {2}denied {3}r-1 {2}work\/DEPLOY_TOKEN: no$/);
  });

  it("says what a decision did", () => {
    assert.equal(
      decidedText({ request: request({ state: "approved" }), grant: grant() }),
      "approved r-1: session 0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11 may read work/DEPLOY_TOKEN for 10m (grant g-1)",
    );
    assert.match(decidedText({ request: request({ state: "approved" }), grant: grant({ once: true, until: null }) }), /for one read \(grant g-1\)$/);
    assert.equal(
      decidedText({ request: request({ state: "denied" }), grant: null }),
      "denied r-1 (work/DEPLOY_TOKEN, session 0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11)",
    );
  });

  it("lists grants with what is left of them", () => {
    const lines = grantsTable([grant(), grant({ id: "g-2", once: true, until: null })], T).split("\n");
    assert.match(lines[0]!, /^ID\s+SESSION\s+ENTRY\s+TERM\s+AGE\s+REQUEST$/);
    assert.match(lines[1]!, /^g-1\s+\S+\s+work\/DEPLOY_TOKEN\s+8m 30s left\s+1m 30s\s+r-1$/);
    assert.match(lines[2]!, /^g-2\s+\S+\s+work\/DEPLOY_TOKEN\s+one read\s+1m 30s\s+r-1$/);
  });
});

/** A stream that keeps what is written; `isTTY` as a terminal's stdout has it. */
function sink(isTTY: boolean): Writable & { text: string; isTTY?: boolean } {
  const s = new Writable({
    write(chunk, _enc, done) {
      s.text += String(chunk);
      done();
    },
  }) as Writable & { text: string; isTTY?: boolean };
  s.text = "";
  if (isTTY) s.isTTY = true;
  return s;
}

describe("approvals watch: getting a person's attention", () => {
  const dir = mkdtempSync(join(tmpdir(), "wd-notify-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("rings the bell only when stdout is a terminal", () => {
    const tty = sink(true);
    alerts(tty, null).alert("s", "b");
    assert.equal(tty.text, "\x07");
    const pipe = sink(false);
    alerts(pipe, null).alert("s", "b");
    assert.equal(pipe.text, "");
  });

  it("finds notify-send on PATH only when it is there", () => {
    assert.equal(findNotifySend(dir), null);
    assert.equal(findNotifySend(""), null);
  });

  it("runs notify-send from an argv, options ended before the text, body cut short", async () => {
    const out = join(dir, "argv.json");
    const fake = join(dir, "notify-send");
    // A stand-in that records its argv (notify-send itself needs a desktop session).
    const fs = `require("node:fs")`;
    writeFileSync(
      fake,
      `#!${process.execPath}\n${fs}.writeFileSync(${JSON.stringify(out + ".tmp")}, JSON.stringify(process.argv.slice(2)));\n${fs}.renameSync(${JSON.stringify(out + ".tmp")}, ${JSON.stringify(out)});\n`,
    );
    chmodSync(fake, 0o755);
    assert.equal(findNotifySend(`/nonexistent:${dir}`), fake);
    const n = requestNotice(request({ reason: `-rf $(touch ${join(dir, "pwned")}); ${"z".repeat(300)}` }));
    alerts(sink(false), fake).alert(n.summary, n.body);
    const argv = await pollUntil(() => existsSync(out) && (JSON.parse(readFileSync(out, "utf8")) as string[]), { what: "notify-send's argv" });
    assert.deepEqual(argv.slice(0, 3), ["--app-name=warden", "--", "warden: work/DEPLOY_TOKEN needs approval"]);
    assert.equal(argv.length, 4);
    assert.ok(argv[3]!.startsWith("/usr/bin/python3: -rf $(touch"), argv[3]);
    assert.ok([...argv[3]!].length <= NOTIFY_BODY_MAX);
    assert.equal(existsSync(join(dir, "pwned")), false, "no shell ever saw the text");
  });

  it("a notify-send that cannot run does not fail the watch", () => {
    const out = sink(true);
    alerts(out, join(dir, "gone", "notify-send")).alert("s", "b");
    assert.equal(out.text, "\x07");
  });
});
