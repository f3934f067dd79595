// The daemon signs its audit log: from a first run (no config, no WARDEN_HOME) it makes a signing
// key, publishes it, opens the log with an audit_key record, and appends checkpoints whose roots
// are the RFC 9162 roots of the log's lines, signed so that an independent Ed25519 (Node's
// crypto.verify, not sodium) accepts them. A lost key starts a key_lost epoch; a SIGKILL leaves a
// log whose next checkpoint still covers a prefix of it.
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { leafHash, rootOf } from "../../src/ledger/merkle.js";
import { openNote, parseCheckpoint, parseVerifierKey } from "../../src/ledger/signed-note.js";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { firstRunHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const PASS = "audit-checkpoints-PASSPHRASE";
let home: TempHome & { userHome: string };
let auditFile: string;
let checkpointsFile: string;
let pubFile: string;
let keyFile: string;
const daemons: TestDaemon[] = [];
const cli = (args: string[], input?: string) => runCli(args, home.env, 60_000, input);
const start = async () => {
  const d = await startTestDaemon(home);
  daemons.push(d);
  return d;
};

const lines = (path: string) => readFileSync(path).toString("utf8").split("\n").slice(0, -1);
const records = () => lines(auditFile).map((l) => JSON.parse(l) as Record<string, any>);
const leaves = () => lines(auditFile).map((l) => leafHash(Buffer.from(l, "utf8")));
const publishedKey = () => readFileSync(pubFile, "utf8").trimEnd();
/** Every checkpoint, opened with the published key. */
function checkpoints(key = publishedKey()) {
  const verifier = parseVerifierKey(key);
  assert.ok(verifier, "keys/<host>.audit.pub holds a verifier key");
  return lines(checkpointsFile).map((l) => {
    const note = (JSON.parse(l) as { note: string }).note;
    const opened = openNote(note, [verifier]);
    assert.ok(opened, "a signed note");
    return { note, text: opened.text, verified: opened.signatures.every((s) => s.verified), ...parseCheckpoint(opened.text)! };
  });
}

before(async () => {
  home = firstRunHome();
  const wardenHome = home.home;
  auditFile = join(wardenHome, "audit", "testhost.jsonl");
  checkpointsFile = join(wardenHome, "audit", "testhost.checkpoints");
  pubFile = join(wardenHome, "keys", "testhost.audit.pub");
  keyFile = join(wardenHome, "private", "testhost", "audit-signing.key");
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "TOKEN", "--passphrase-stdin"], `${PASS}\nsk-audit-0123456789\n`)).code, 0);
});
after(async () => {
  for (const d of daemons) await d.kill("SIGKILL");
  home?.cleanup();
});

describe("signed audit checkpoints", () => {
  let firstKey: string;

  it("covers every record of a first run with a checkpoint signed by the published key", async () => {
    const d = await start();
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    for (const reason of ["one", "two"]) assert.equal((await cli(["get", "TOKEN", "--vault", "work", "--reason", reason, "--json"])).code, 0);
    assert.equal(await d.kill(), 0);

    firstKey = publishedKey();
    const all = records();
    assert.equal(all[0]!.action, "audit_key");
    assert.deepEqual(all[0]!.detail, { key: firstKey, previous: null, reason: "first_key" });
    assert.deepEqual(
      all.slice(1).map((r) => r.action),
      ["unlock", "get", "get", "lock"], // the lock at shutdown too: the last checkpoint is signed after it
    );
    const last = checkpoints().at(-1)!;
    assert.ok(last.verified, "opens with the published key");
    assert.equal(last.origin, "warden/testhost");
    assert.equal(last.size, all.length);
    assert.deepEqual(last.root, rootOf(leaves()));
    assert.ok(
      checkpoints().every((c) => c.verified && c.root.equals(rootOf(leaves(), c.size))),
      "every checkpoint is the root of a prefix",
    );
  });

  it("records keyed digests of each read, the same in direct mode, never the value", async () => {
    const passFile = join(home.userHome, "pass");
    writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
    const r = await runCli(
      ["get", "TOKEN", "--vault", "work", "--reason", "one", "--no-daemon", "--json"],
      { ...home.env, WARDEN_PASSPHRASE_FILE: passFile },
      60_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const gets = records().filter((x) => x.action === "get");
    assert.equal(gets.length, 3);
    assert.equal(gets[2]!.detail?.mode, "direct");
    assert.ok(
      gets.every((g) => /^[0-9a-f]{64}$/.test(g.digests?.value) && g.digests.value === gets[0]!.digests.value),
      "one value, one digest, in both modes",
    );
    assert.equal(gets[2]!.digests.reason, gets[0]!.digests.reason, "reason one, both modes");
    assert.notEqual(gets[1]!.digests.reason, gets[0]!.digests.reason);
    assert.ok(!readFileSync(auditFile, "utf8").includes("sk-audit-0123456789"));
    assert.ok(checkpoints().at(-1)!.size < records().length, "a direct-mode record waits for the daemon's next start to be signed");
  });

  it("verifies with Node's own Ed25519 (crypto.verify), not only sodium", () => {
    const { note, text } = checkpoints().at(-1)!;
    const sigLine = note.trimEnd().split("\n").at(-1)!;
    const blob = Buffer.from(sigLine.split(" ").at(-1)!, "base64");
    const pk = parseVerifierKey(firstKey)!.publicKey;
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), pk]), format: "der", type: "spki" });
    assert.equal(verify(null, Buffer.from(text, "utf8"), key, blob.subarray(4)), true);
    assert.equal(verify(null, Buffer.from(text.replace(/\n\d+\n/, "\n999\n"), "utf8"), key, blob.subarray(4)), false);
  });

  it("starts a key_lost epoch naming the previous key when the private key is gone", async () => {
    unlinkSync(keyFile);
    const d = await start();
    assert.equal(await d.kill(), 0);
    const newKey = publishedKey();
    assert.notEqual(newKey, firstKey);
    assert.ok(existsSync(keyFile));
    const last = records().at(-1)!;
    assert.equal(last.action, "audit_key");
    assert.deepEqual(last.detail, { key: newKey, previous: firstKey, reason: "key_lost" });
    const cp = checkpoints(newKey).at(-1)!;
    assert.ok(cp.verified, "signed by the new key");
    assert.equal(cp.size, records().length);
  });

  it("after SIGKILL mid-traffic, the next checkpoint covers a prefix-consistent tree", async () => {
    const before = existsSync(auditFile) ? records().length : 0;
    const d = await start();
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    const clients = await Promise.all(Array.from({ length: 4 }, () => RpcClient.connect(d.socket)));
    let stop = false;
    const traffic = clients.map(async (c, i) => {
      for (let n = 0; !stop; n++) await c.call("vault.get", { vault: "work", name: "TOKEN", reason: `load ${i} ${n}` }).catch(() => (stop = true));
    });
    // Killed while records keep coming, after checkpoints were made during the traffic (not only the first run's).
    await pollUntil(() => checkpoints().at(-1)!.size > before + 200, { what: "traffic with checkpoints", tolerate: true });
    await d.kill("SIGKILL");
    stop = true;
    await Promise.all(traffic);
    for (const c of clients) c.close();

    const d2 = await start();
    await pollUntil(() => checkpoints().at(-1)!.size === lines(auditFile).length, { what: "a checkpoint of every record after the restart", tolerate: true });
    assert.equal(await d2.kill(), 0);
    const all = checkpoints();
    const hashes = leaves();
    assert.ok(all.at(-1)!.verified);
    for (const c of all) assert.ok(c.root.equals(rootOf(hashes, c.size)), `checkpoint at ${c.size} is the root of the first ${c.size} records`);
    for (let i = 1; i < all.length; i++) assert.ok(all[i]!.size > all[i - 1]!.size, "each checkpoint grows the tree");
  });
});
