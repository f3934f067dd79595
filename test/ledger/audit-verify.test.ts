// Offline verification of audit logs (issue 14): the streamed tree's proofs against merkle.ts,
// then one tampering per check, each named by its kind, on files written as the daemon writes them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { proveRecord } from "../../src/ledger/audit-prove.js";
import { CapturingTree, consistencyRanges, inclusionRanges } from "../../src/ledger/audit-tree.js";
import { verifyAuditHome, verifyAuditHost } from "../../src/ledger/audit-verify.js";
import { consistencyProof, inclusionProof, leafHash, rootOf, verifyInclusion } from "../../src/ledger/merkle.js";
import { AuditHostWriter, auditHostFiles, keepLines, lines, rechain } from "../helpers/audit-files.js";

const base = mkdtempSync(join(tmpdir(), "wd-av-"));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const freshHome = () => join(base, `h${n++}`);

/** Host `a` with 3 checkpoints over 13 records, and host `b` witnessing a's latest. */
function twoHosts(opts: { head?: boolean } = {}) {
  const home = freshHome();
  const a = new AuditHostWriter(home, "a", opts);
  a.reads(3);
  a.reads(5);
  a.reads(4);
  const b = new AuditHostWriter(home, "b");
  b.reads(2);
  b.witness("a");
  b.checkpoint();
  a.close();
  b.close();
  return { home, a, b };
}

describe("streamed Merkle tree", () => {
  it("captures the same proof nodes merkle.ts computes from all the leaves, for every size up to 20", () => {
    const leaves = Array.from({ length: 20 }, (_, i) => leafHash(Buffer.from(`record ${i}`)));
    assert.deepEqual(
      leaves,
      Array.from({ length: 20 }, (_, i) =>
        createHash("sha256")
          .update(Buffer.from(`\0record ${i}`))
          .digest(),
      ),
    );
    for (let size = 1; size <= 20; size++) {
      for (let first = 0; first <= size; first++) {
        const tree = new CapturingTree([[0, size], ...consistencyRanges(first, size)]);
        for (const l of leaves.slice(0, size)) tree.append(l);
        assert.deepEqual(tree.proof(consistencyRanges(first, size)), consistencyProof(leaves, first, size), `consistency ${first} -> ${size}`);
        assert.ok(tree.hashOf([0, size])!.equals(rootOf(leaves, size)));
      }
      for (let i = 0; i < size; i++) {
        const tree = new CapturingTree(inclusionRanges(i, size));
        for (const l of leaves) tree.append(l);
        assert.deepEqual(tree.proof(inclusionRanges(i, size)), inclusionProof(leaves, i, size), `inclusion ${i} in ${size}`);
      }
    }
  });
});

describe("verifyAuditHost", () => {
  it("passes clean logs: every checkpoint, both keys and the witness record", () => {
    const { home } = twoHosts();
    const a = verifyAuditHost(home, "a");
    assert.equal(a.ok, true, JSON.stringify(a.firstBroken));
    assert.equal(a.records, 13);
    assert.equal(a.checkpoints, 3);
    assert.equal(a.latest?.size, 13);
    assert.equal(a.witnessed, 1);
    assert.deepEqual(a.warnings, []);
    const all = verifyAuditHome(home, "b");
    assert.equal(all.ok, true);
    assert.deepEqual(
      all.hosts.map((h) => h.host),
      ["b", "a"],
      "this host first",
    );
  });

  it("names an edited record (chain), and one edited with the chain recomputed (checkpoint root)", () => {
    const { home } = twoHosts();
    const { log } = auditHostFiles(home, "a");
    const original = lines(log);
    writeFileSync(log, original.map((l, i) => (i === 4 ? l.replace('"reason":"test"', '"reason":"other"') : l) + "\n").join(""));
    const edited = verifyAuditHost(home, "a").firstBroken!;
    assert.equal(edited.kind, "hash");
    assert.equal(edited.seq, 5);
    rechain(log, (r) => (r.seq === 5 ? { ...r, reason: "other" } : r));
    const rechained = verifyAuditHost(home, "a").firstBroken!;
    assert.equal(rechained.kind, "checkpoint_root");
    assert.equal(rechained.line, 2, "the first checkpoint past seq 5");
  });

  it("names a deleted record, with or without the chain recomputed", () => {
    const { home } = twoHosts();
    const { log } = auditHostFiles(home, "a");
    const original = lines(log);
    writeFileSync(
      log,
      original
        .filter((_, i) => i !== 2)
        .map((l) => l + "\n")
        .join(""),
    );
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "seq");
    writeFileSync(log, original.map((l) => l + "\n").join(""));
    rechain(log, (r) => (r.seq === 3 ? null : r));
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "checkpoint_root");
  });

  it("catches a truncated tail: by the checkpoints, by the head, and with both cut too, by another host's witness record", () => {
    const { home } = twoHosts({ head: true });
    const f = auditHostFiles(home, "a");
    keepLines(f.log, 9);
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "checkpoint_beyond_log");
    keepLines(f.checkpoints, 2); // the checkpoints of 4 and 9 records stay
    assert.equal(verifyAuditHost(home, "a", { headPath: f.head }).firstBroken?.kind, "truncated");
    writeFileSync(f.head, ""); // the head cut too (or deleted: the run root is host-local and rebuildable)
    const r = verifyAuditHost(home, "a", { headPath: f.head });
    assert.equal(r.firstBroken?.kind, "witness_beyond_log");
    assert.equal(r.firstBroken?.file, join(home, "audit", "b.jsonl"));
    assert.equal(r.firstBroken?.seq, 4, "b's witness record (after its key record and two reads)");
  });

  it("catches a whole-log forgery signed by a new key with its public key replaced: on the owner by the held key, elsewhere by the witness", () => {
    const { home } = twoHosts();
    const forged = new AuditHostWriter(freshHome(), "a");
    forged.reads(3);
    forged.reads(20);
    forged.close();
    const [real, fake] = [auditHostFiles(home, "a"), forged.files];
    for (const k of ["log", "checkpoints", "publicKey"] as const) copyFileSync(fake[k], real[k]);
    const owner = verifyAuditHost(home, "a").firstBroken!;
    assert.equal(owner.kind, "signing_key_mismatch");
    rmSync(real.signingKey); // another machine: no private key, only the synced files
    const elsewhere = verifyAuditHost(home, "a").firstBroken!;
    assert.equal(elsewhere.kind, "witness_root");
    assert.equal(elsewhere.seq, 4);
  });

  it("checks each checkpoint with the key of its epoch, and reports a new key epoch as a warning", () => {
    const home = freshHome();
    const oldSeed = Buffer.alloc(32, 1);
    const a = new AuditHostWriter(home, "a", { seed: oldSeed });
    const before = a.reads(3);
    a.loseKey();
    a.reads(2);
    const r = verifyAuditHost(home, "a");
    assert.equal(r.ok, true, JSON.stringify(r.firstBroken));
    assert.equal(r.keys.length, 2);
    assert.equal(r.checkpoints, 2);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /key_lost/);
    // The old (lost) key signs past the new epoch: not the key of that checkpoint's epoch.
    a.append();
    a.checkpoint(oldSeed);
    a.close();
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "checkpoint_signature");
    // An older checkpoint appended again: a tree never shrinks.
    const f = auditHostFiles(home, "a");
    writeFileSync(
      f.checkpoints,
      lines(f.checkpoints)
        .slice(0, 2)
        .concat(JSON.stringify({ note: before }))
        .join("\n") + "\n",
    );
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "checkpoint_order");
  });

  it("refuses a checkpoint signed by another key, of another origin, or malformed, and key files that disagree", () => {
    const { home } = twoHosts();
    const f = auditHostFiles(home, "a");
    const cps = lines(f.checkpoints);
    const other = new AuditHostWriter(freshHome(), "a");
    const alien = other.checkpoint(); // of size 1, signed by another key of the same name
    other.close();
    const cases: Array<[string, string]> = [
      [JSON.stringify({ note: alien }), "checkpoint_signature"],
      [JSON.stringify({ note: JSON.parse(cps[0]!).note.replace("warden/a\n", "warden/z\n") }), "checkpoint_origin"],
      ["not json", "checkpoint_malformed"],
    ];
    for (const [line, kind] of cases) {
      writeFileSync(f.checkpoints, [line, ...cps].join("\n") + "\n");
      assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, kind, kind);
    }
    writeFileSync(f.checkpoints, cps.join("\n") + "\n");
    writeFileSync(f.publicKey, other.verifierKey + "\n");
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "key_mismatch");
    rmSync(f.publicKey);
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "key_missing");
  });

  it("refuses an audit_key record whose previous key is not the epoch before it", () => {
    const home = freshHome();
    const a = new AuditHostWriter(home, "a");
    a.reads(2);
    a.close();
    rechain(a.files.log, (r) => (r.action === "audit_key" ? { ...r, detail: { ...r.detail, reason: "key_lost" } } : r));
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "key_epoch");
  });
});

describe("logs without keys", () => {
  it("passes a log written before checkpoints with a warning, and refuses a checkpoint no key epoch covers", () => {
    const home = freshHome();
    const a = new AuditHostWriter(home, "a");
    a.reads(2);
    a.close();
    rechain(a.files.log, (r) => (r.action === "audit_key" ? null : r));
    for (const f of [a.files.checkpoints, a.files.publicKey, a.files.signingKey]) rmSync(f);
    const legacy = verifyAuditHost(home, "a");
    assert.equal(legacy.ok, true, JSON.stringify(legacy.firstBroken));
    assert.equal(legacy.warnings.length, 1, "only the chain was checked, and it says so");
    a.checkpoint();
    assert.equal(verifyAuditHost(home, "a").firstBroken?.kind, "checkpoint_unkeyed");
  });

  it("warns of a witness record whose outcome is an error", () => {
    const { home, b } = twoHosts();
    const w = new AuditHostWriter(home, "c");
    w.append({ action: "witness", outcome: "error", kind: "witness_inconsistent", detail: { host: "a", size: null, root: null } });
    w.close();
    const r = verifyAuditHost(home, "a");
    assert.equal(r.ok, true);
    assert.equal(r.witnessed, 1, `${b.host}'s record`);
    assert.equal(r.warnings.length, 1);
  });
});

describe("proveRecord", () => {
  it("proves every record against the latest checkpoint, and the proof verifies on its own", () => {
    const { home } = twoHosts();
    for (let seq = 1; seq <= 13; seq++) {
      const p = proveRecord(home, "a", seq);
      assert.equal(p.treeSize, 13);
      const ok = verifyInclusion(
        leafHash(Buffer.from(p.record)),
        p.leafIndex,
        p.treeSize,
        p.proof.map((h) => Buffer.from(h, "base64")),
        Buffer.from(p.root, "base64"),
      );
      assert.ok(ok, `seq ${seq}`);
    }
    assert.throws(() => proveRecord(home, "a", 14), { kind: "not_found" });
    assert.throws(() => proveRecord(home, "nohost", 1), { kind: "not_found" });
    rechain(auditHostFiles(home, "a").log, (r) => (r.seq === 2 ? { ...r, reason: "other" } : r));
    assert.throws(() => proveRecord(home, "a", 1), { kind: "audit_invalid" }, "the checkpoint's root is not the log's");
  });
});
