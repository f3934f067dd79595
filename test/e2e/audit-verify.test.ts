// `warden audit verify | prove | checkpoint` as real processes, with no daemon: on the host that
// owns the log and on "another machine" that has only the synced files and keys/*.pub. Each
// tampering makes verify exit 1 naming the problem; proofs and signatures check independently.
import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import type { AuditRecord } from "../../src/ledger/audit-log.js";
import { leafHash, verifyInclusion } from "../../src/ledger/merkle.js";
import { parseVerifierKey } from "../../src/ledger/signed-note.js";
import { AuditHostWriter, type auditHostFiles, keepLines, lines, rechain } from "../helpers/audit-files.js";
import { runCli } from "../helpers/cli.js";
import { tempHome, type TempHome } from "../helpers/home.js";

const homes: TempHome[] = [];
after(() => {
  for (const h of homes) h.cleanup();
});

/** testhost (this host, with its run-root head) with 3 checkpoints over 13 records; `other` witnessed its latest. */
function setup(): { h: TempHome; me: ReturnType<typeof auditHostFiles> } {
  const h = tempHome();
  homes.push(h);
  const me = new AuditHostWriter(h.home, "testhost", { head: true });
  me.reads(3);
  me.reads(5);
  me.reads(4);
  const other = new AuditHostWriter(h.home, "other");
  other.reads(2);
  other.witness("testhost");
  other.checkpoint();
  me.close();
  other.close();
  return { h, me: me.files };
}

const cli = (h: TempHome, args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...h.env, ...env });
/** Another machine: another host name, none of testhost's private files. */
const elsewhere = { WARDEN_HOST: "verifier" };

async function broken(h: TempHome, env: NodeJS.ProcessEnv = {}): Promise<{ kind: string; host: string; seq: number | null; reason: string }> {
  const r = await cli(h, ["audit", "verify", "--json"], env);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.json().ok, false);
  const human = await cli(h, ["audit", "verify"], env);
  assert.equal(human.code, 1);
  assert.match(human.stdout, new RegExp(`BROKEN \\(${r.json().firstBroken.kind}\\)`), "the human output names the problem");
  return r.json().firstBroken;
}

describe("warden audit verify", () => {
  it("passes clean logs with no daemon, here and on another machine, this host first", async () => {
    const { h, me } = setup();
    const r = await cli(h, ["audit", "verify", "--json"]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.json().ok, true);
    assert.deepEqual(
      r.json().hosts.map((x: any) => [x.host, x.records, x.checkpoints, x.witnessed]),
      [
        ["testhost", 13, 3, 1],
        ["other", 4, 2, 0],
      ],
    );
    assert.equal(r.json().records, 17);
    rmSync(me.signingKey);
    const away = await cli(h, ["audit", "verify", "--host", "testhost"], elsewhere);
    assert.equal(away.code, 0, away.stdout);
    assert.match(away.stdout, /^testhost: ok: 13 record\(s\), 3 checkpoint\(s\) verified/);
    const unknown = await cli(h, ["audit", "verify", "--host", "nosuch", "--json"]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.json().error.kind, "not_found");
  });

  it("names an edited record", async () => {
    const { h, me } = setup();
    writeFileSync(me.log, readFileSync(me.log, "utf8").replace('"name":"KEY_1"', '"name":"KEY_X"'));
    const b = await broken(h);
    assert.equal(b.kind, "hash");
    assert.equal(b.seq, 3);
  });

  it("names a deleted record, and one deleted with the chain recomputed", async () => {
    const { h, me } = setup();
    const original = readFileSync(me.log, "utf8");
    writeFileSync(
      me.log,
      lines(me.log)
        .filter((_, i) => i !== 5)
        .map((l) => l + "\n")
        .join(""),
    );
    assert.equal((await broken(h)).kind, "seq");
    writeFileSync(me.log, original);
    rechain(me.log, (r) => (r.seq === 6 ? null : r));
    rmSync(me.head);
    assert.equal((await broken(h)).kind, "checkpoint_root");
  });

  it("catches a tail truncated with the checkpoints' tail and the head file, by the other host's witness record", async () => {
    const { h, me } = setup();
    keepLines(me.log, 9);
    keepLines(me.checkpoints, 2);
    const last = JSON.parse(lines(me.log).at(-1)!) as AuditRecord;
    writeFileSync(me.head, JSON.stringify({ seq: last.seq, hash: last.hash }) + "\n");
    const b = await broken(h);
    assert.equal(b.kind, "witness_beyond_log");
    assert.equal(b.host, "testhost");
    assert.match(b.reason, /witness record at other seq 4/);
  });

  it("catches a whole log and its checkpoints forged with a new key and a replaced public key", async () => {
    const { h, me } = setup();
    const scratch = tempHome();
    homes.push(scratch);
    const forged = new AuditHostWriter(scratch.home, "testhost");
    forged.reads(30);
    forged.close();
    for (const k of ["log", "checkpoints", "publicKey"] as const) copyFileSync(forged.files[k], me[k]);
    assert.equal((await broken(h)).kind, "rewritten", "the run-root head sees it first");
    rmSync(me.head);
    assert.equal((await broken(h)).kind, "signing_key_mismatch", "then the key this host holds");
  });

  it("catches, on another machine, a forged log consistent with itself but not with the witness record in another host's log", async () => {
    const { h, me } = setup();
    // The same history with one read's reason changed, checkpointed as the real one was, signed by a new key.
    const scratch = tempHome();
    homes.push(scratch);
    const forged = new AuditHostWriter(scratch.home, "testhost");
    forged.reads(3);
    forged.append({ name: "KEY_0", reason: "nothing to see" });
    for (let i = 1; i < 5; i++) forged.append({ name: `KEY_${i}` });
    forged.checkpoint();
    forged.reads(4);
    forged.close();
    for (const k of ["log", "checkpoints", "publicKey"] as const) copyFileSync(forged.files[k], me[k]);
    rmSync(me.signingKey);
    rmSync(me.head);
    const itself = await cli(h, ["audit", "verify", "--host", "testhost", "--json"], elsewhere);
    assert.deepEqual(itself.json().hosts[0].checkpoints, 3, "every checkpoint of the forgery verifies against its own key");
    const b = await broken(h, elsewhere);
    assert.equal(b.kind, "witness_root");
    assert.equal(b.host, "testhost");
    assert.match(b.reason, /witness record at other seq 4/);
  });
});

describe("warden audit prove and checkpoint", () => {
  it("prints an inclusion proof that verifies on its own, against the latest checkpoint", async () => {
    const { h, me } = setup();
    const r = await cli(h, ["audit", "prove", "7", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const p = r.json();
    assert.equal(p.leafIndex, 6);
    assert.equal(p.treeSize, 13);
    assert.equal(p.record, lines(me.log)[6]);
    const root = Buffer.from(p.root, "base64");
    assert.ok(
      verifyInclusion(
        leafHash(Buffer.from(p.record)),
        p.leafIndex,
        p.treeSize,
        p.proof.map((x: string) => Buffer.from(x, "base64")),
        root,
      ),
    );
    assert.equal(p.checkpoint, (JSON.parse(lines(me.checkpoints).at(-1)!) as { note: string }).note);
    assert.equal(p.checkpoint.split("\n")[2], p.root, "the checkpoint signs that root");
    const human = await cli(h, ["audit", "prove", "7", "--host", "testhost"], elsewhere);
    assert.equal(human.code, 0);
    assert.ok(human.stdout.includes(p.root) && human.stdout.includes(p.proof[0]));
  });

  it("answers bad input with typed errors: a seq past the checkpoint, not a number, no checkpoint yet", async () => {
    const { h } = setup();
    const past = await cli(h, ["audit", "prove", "14", "--json"]);
    assert.equal(past.code, 1);
    assert.equal(past.json().error.kind, "not_found");
    const nan = await cli(h, ["audit", "prove", "seven", "--json"]);
    assert.equal(nan.code, 2);
    assert.equal(nan.json().error.kind, "usage");
    const fresh = new AuditHostWriter(h.home, "fresh");
    fresh.append();
    fresh.close();
    for (const args of [
      ["audit", "prove", "1", "--host", "fresh", "--json"],
      ["audit", "checkpoint", "--host", "fresh", "--json"],
    ]) {
      const none = await cli(h, args);
      assert.equal(none.code, 1, args.join(" "));
      assert.equal(none.json().error.kind, "not_found");
    }
  });

  it("prints the latest checkpoint, whose signature Node's own Ed25519 verifies with the published key", async () => {
    const { h, me } = setup();
    const r = await cli(h, ["audit", "checkpoint", "--host", "testhost", "--json"], elsewhere);
    assert.equal(r.code, 0);
    const c = r.json();
    assert.deepEqual([c.origin, c.size], ["warden/testhost", 13]);
    const text = await cli(h, ["audit", "checkpoint"]);
    assert.equal(text.stdout, c.note);
    // Independently of sodium: the raw Ed25519 key in SPKI DER, the signature over the note's text.
    const key = parseVerifierKey(readFileSync(me.publicKey, "utf8").trim())!;
    assert.equal(c.keyId, key.keyId.toString("hex"));
    const spki = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), key.publicKey]), format: "der", type: "spki" });
    const [body, sigLine] = c.note.split("\n\n");
    const blob = Buffer.from(sigLine.trimEnd().split(" ").at(-1)!, "base64");
    assert.ok(blob.subarray(0, 4).equals(key.keyId));
    assert.equal(verify(null, Buffer.from(`${body}\n`), spki, blob.subarray(4)), true);
    assert.equal(verify(null, Buffer.from(`${body.replace("\n13\n", "\n12\n")}\n`), spki, blob.subarray(4)), false, "not once the size is changed");
  });
});
