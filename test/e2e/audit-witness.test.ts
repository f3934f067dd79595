// Cross-host witnesses against a real daemon: host "testhost" (the daemon) and host "hosta" (files
// written by test/helpers/witness-files.ts in the PREAMBLE formats and delivered into the shared
// home as a file-sync tool would, in the order each case needs). The daemon witnesses hosta's
// checkpoints into its own audit log, waits for a log that lags its checkpoint, catches a forged
// log that is consistent with itself but not with what it witnessed, keeps the last good state,
// and doctor names the host.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { OtherHost } from "../helpers/witness-files.js";

const home = tempHome();
const cli = (args: string[]) => runCli(args, home.env);
const a = new OtherHost("hosta");
const forged = new OtherHost("hosta");
const c = new OtherHost("hostc");
let daemon: TestDaemon;

/** The witness records in the daemon's own audit log. */
function witnesses(host?: string): Array<Record<string, any>> {
  return readFileSync(join(home.home, "audit", "testhost.jsonl"), "utf8")
    .split("\n")
    .slice(0, -1) // complete lines only: the daemon may be writing the next
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((r) => r.action === "witness" && (host === undefined || r.detail.host === host));
}

const witnessed = (what: string, match: (r: Record<string, any>) => boolean) =>
  pollUntil(() => witnesses().find(match), { what, detail: () => JSON.stringify(witnesses()) });

before(async () => {
  daemon = await startTestDaemon(home);
});
after(async () => {
  await daemon?.kill();
  for (const h of [a, forged, c]) h.cleanup();
  home.cleanup();
});

describe("audit witnesses", () => {
  it("witness another host's newest checkpoint: its size, root and key", async () => {
    a.startEpoch();
    a.records(3);
    a.checkpoint({ size: 2, root: a.root(2).root });
    const cp = a.checkpoint();
    a.deliver(home.home, "pub", "audit", "checkpoints");
    const w = await witnessed("hosta's checkpoint witnessed", (r) => r.detail.host === "hosta");
    assert.deepEqual([w.outcome, w.detail.size, w.detail.root, w.detail.key], ["ok", 4, cp.root, a.verifierKey]);
    assert.equal((await cli(["sync", "run"])).code, 0);
    assert.equal(witnesses("hosta").length, 1, "only the newest checkpoint, once");
  });

  it("witness a checkpoint whose log lags behind only once the log catches up", async () => {
    a.records(3);
    const cp = a.checkpoint();
    a.deliver(home.home, "checkpoints");
    assert.equal((await cli(["sync", "run"])).code, 0); // the pass, and the witness after it, done
    assert.deepEqual(
      witnesses("hosta").map((r) => [r.outcome, r.detail.size]),
      [["ok", 4]],
      "nothing reported while the log is behind",
    );
    a.deliver(home.home, "audit");
    const w = await witnessed("the checkpoint at 7 witnessed", (r) => r.detail.size === 7);
    assert.deepEqual([w.outcome, w.detail.root], ["ok", cp.root]);
  });

  it("record a forged log as inconsistent, keep the last good state, and doctor names the host", async () => {
    forged.startEpoch();
    forged.records(8);
    const cp = forged.checkpoint();
    forged.deliver(home.home, "pub", "audit", "checkpoints");
    const e = await witnessed("the forgery reported", (r) => r.outcome === "error" && r.detail.host === "hosta");
    assert.equal(e.kind, "witness_inconsistent");
    assert.deepEqual([e.detail.size, e.detail.root, e.detail.key], [9, cp.root, forged.verifierKey]);
    assert.deepEqual(e.detail.witnessed, { size: 7, root: a.root(7).root, key: a.verifierKey });
    assert.ok(daemon.events("witness_failed").some((l) => l.host === "hosta" && l.kind === "witness_inconsistent"));

    forged.records(1);
    forged.checkpoint();
    forged.deliver(home.home, "audit", "checkpoints");
    const again = await witnessed("the next forged checkpoint reported", (r) => r.outcome === "error" && r.detail.size === 10);
    assert.deepEqual(again.detail.witnessed, e.detail.witnessed, "judged against the last good state, which did not move");

    const doctor = await cli(["daemon", "doctor", "--json"]);
    const check = doctor.json().doctor.checks.find((x: any) => x.name === "audit_witness");
    assert.equal(check.state, "failed");
    assert.match(check.message, /hosta/);
    assert.ok(doctor.json().repair_actions.some((x: any) => x.id === "inspect_audit" && x.command.includes("--host hosta")));
  });

  it("record a checkpoint whose signature does not verify", async () => {
    c.startEpoch();
    c.records(2);
    const cp = c.checkpoint();
    appendFileSync(c.path("checkpoints"), `${JSON.stringify({ note: cp.note.replace(/\n3\n/, "\n2\n") })}\n`); // the size changed under the signature
    c.deliver(home.home, "pub", "audit", "checkpoints");
    const e = await witnessed("hostc's bad checkpoint reported", (r) => r.detail.host === "hostc");
    assert.deepEqual([e.outcome, e.kind, e.detail.size], ["error", "witness_bad_signature", 2]);
  });

  it("record a checkpoint signed by a published key that is not the one the log names", async () => {
    const real = new OtherHost("hoste");
    const impostor = new OtherHost("hoste");
    try {
      real.startEpoch();
      real.records(2);
      impostor.startEpoch(); // its own .pub, in its stage; its log is never delivered
      const cp = impostor.checkpoint(real.root()); // the real log's root, signed by another key
      real.deliver(home.home, "audit");
      impostor.deliver(home.home, "pub", "checkpoints");
      const e = await witnessed("hoste's checkpoint reported", (r) => r.detail.host === "hoste");
      assert.deepEqual([e.outcome, e.kind, e.detail.size, e.detail.root, e.detail.key], ["error", "witness_bad_signature", 3, cp.root, impostor.verifierKey]);
    } finally {
      real.cleanup();
      impostor.cleanup();
    }
  });

  it("witness a checkpoint whose key arrives after it only once the key is here", async () => {
    const d = new OtherHost("hostd");
    try {
      d.startEpoch();
      d.records(2);
      const cp = d.checkpoint();
      d.deliver(home.home, "audit", "checkpoints");
      assert.equal((await cli(["sync", "run"])).code, 0);
      assert.deepEqual(witnesses("hostd"), [], "nothing reported without the key");
      d.deliver(home.home, "pub");
      assert.equal((await cli(["sync", "run"])).code, 0);
      assert.deepEqual(
        witnesses("hostd").map((r) => [r.outcome, r.detail.size, r.detail.root]),
        [["ok", 3, cp.root]],
      );
      // hostd witnesses this host in turn: a checkpoint adding only that is not witnessed back (no ping-pong) ...
      d.append({ action: "witness", outcome: "ok", detail: { host: "testhost", size: 1, root: "x", key: "k" } });
      d.checkpoint();
      d.deliver(home.home, "audit", "checkpoints");
      assert.equal((await cli(["sync", "run"])).code, 0);
      assert.equal(witnesses("hostd").length, 1);
      // ... the next record of substance is, and covers it.
      d.records(1);
      const next = d.checkpoint();
      d.deliver(home.home, "audit", "checkpoints");
      assert.equal((await cli(["sync", "run"])).code, 0);
      assert.deepEqual(
        witnesses("hostd").map((r) => [r.outcome, r.detail.size, r.detail.root]),
        [
          ["ok", 3, cp.root],
          ["ok", 5, next.root],
        ],
      );
    } finally {
      d.cleanup();
    }
  });

  it("remember what was witnessed across a restart: nothing is witnessed twice", async () => {
    const before = witnesses().length;
    assert.equal(await daemon.kill(), 0);
    daemon = await startTestDaemon(home);
    assert.equal((await cli(["sync", "run"])).code, 0);
    assert.equal(witnesses().length, before);
    a.records(1); // the real hosta goes on; its log here is still the forgery's
    assert.equal((await cli(["sync", "run"])).code, 0);
    assert.equal(witnesses().length, before);
  });
});
