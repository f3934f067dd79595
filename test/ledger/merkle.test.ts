import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  consistencyProof,
  EMPTY_ROOT,
  type Hash,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from "../../src/ledger/merkle.js";

const unhex = (s: string) => Buffer.from(s, "hex");
const hex = (hs: Hash[]) => hs.map((h) => h.toString("hex"));

// Certificate Transparency's reference tree (RFC 6962 test data, kept by transparency-dev/merkle):
// its eight leaves, the roots of their first 1..8, and proofs over them.
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => leafHash(unhex(h)));
const ROOTS = [
  EMPTY_ROOT.toString("hex"),
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const INCLUSION = [
  { index: 0, size: 1, proof: [] },
  { index: 1, size: 2, proof: ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"] },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    size: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];
const CONSISTENCY = [
  { first: 1, second: 1, proof: [] },
  {
    first: 1,
    second: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    first: 2,
    second: 5,
    proof: ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
  },
  {
    first: 6,
    second: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

const records = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`{"seq":${i + 1},"action":"read"}`)));

describe("RFC 9162 Merkle trees", () => {
  it("hashes leaves and nodes with their domain bytes; the empty tree is SHA-256 of nothing", () => {
    assert.equal(EMPTY_ROOT.toString("hex"), createHash("sha256").digest("hex"));
    assert.deepEqual(
      leafHash(Buffer.from("x")),
      createHash("sha256")
        .update(Buffer.from([0x00, 0x78]))
        .digest(),
    );
  });

  it("gives the reference tree's roots for 0 to 8 leaves", () => {
    for (let n = 0; n <= 8; n++) assert.equal(rootOf(LEAVES, n).toString("hex"), ROOTS[n], `${n} leaves`);
  });

  it("makes and checks the reference inclusion proofs", () => {
    for (const v of INCLUSION) {
      const proof = inclusionProof(LEAVES, v.index, v.size);
      assert.deepEqual(hex(proof), v.proof, `leaf ${v.index} of ${v.size}`);
      assert.ok(verifyInclusion(LEAVES[v.index]!, v.index, v.size, proof, unhex(ROOTS[v.size]!)));
    }
  });

  it("makes and checks the reference consistency proofs", () => {
    for (const v of CONSISTENCY) {
      const proof = consistencyProof(LEAVES, v.first, v.second);
      assert.deepEqual(hex(proof), v.proof, `${v.first} -> ${v.second}`);
      assert.ok(verifyConsistency(v.first, v.second, unhex(ROOTS[v.first]!), unhex(ROOTS[v.second]!), proof));
    }
  });

  it("every leaf's proof verifies at every size up to 40, and fails for another leaf, index, root or a cut proof", () => {
    const leaves = records(40);
    for (let size = 1; size <= leaves.length; size++) {
      const root = rootOf(leaves, size);
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(leaves, i, size);
        assert.ok(verifyInclusion(leaves[i]!, i, size, proof, root), `leaf ${i} of ${size}`);
        if (size > 1) {
          const other = (i + 1) % size;
          assert.ok(!verifyInclusion(leaves[other]!, i, size, proof, root), `another leaf at ${i} of ${size}`);
          assert.ok(!verifyInclusion(leaves[i]!, other, size, proof, root), `leaf ${i} claimed at ${other} of ${size}`);
          assert.ok(!verifyInclusion(leaves[i]!, i, size, proof.slice(1), root), `a cut proof for ${i} of ${size}`);
        }
        assert.ok(!verifyInclusion(leaves[i]!, i, size, proof, EMPTY_ROOT), `another root for ${i} of ${size}`);
      }
    }
  });

  it("every older tree is proven a prefix of every newer one up to 40; a rewritten record or a rollback is not", () => {
    const leaves = records(40);
    const roots = Array.from({ length: leaves.length + 1 }, (_, n) => rootOf(leaves, n));
    for (let second = 0; second <= leaves.length; second++) {
      for (let first = 0; first <= second; first++) {
        const proof = consistencyProof(leaves, first, second);
        assert.ok(verifyConsistency(first, second, roots[first]!, roots[second]!, proof), `${first} -> ${second}`);
      }
    }
    // Record 3 rewritten, the log grown on: the forged tree is not consistent with the old head.
    const forged = [...leaves];
    forged[2] = leafHash(Buffer.from("forged"));
    for (const [first, second] of [
      [4, 6],
      [3, 40],
      [8, 9],
    ] as const) {
      const proof = consistencyProof(forged, first, second);
      assert.ok(!verifyConsistency(first, second, roots[first]!, rootOf(forged, second), proof), `forged ${first} -> ${second}`);
    }
    assert.ok(!verifyConsistency(6, 3, roots[6]!, roots[3]!, []), "a tree does not shrink");
    assert.ok(!verifyConsistency(3, 3, roots[3]!, roots[4]!, []), "equal sizes, different roots");
    assert.ok(!verifyConsistency(0, 3, roots[1]!, roots[3]!, []), "the empty tree has one root");
    assert.ok(!verifyConsistency(2, 5, roots[2]!, roots[5]!, []), "a proof is needed between different sizes");
  });

  it("keeps an appended log's root current: the frontier's root is the tree's at every size", () => {
    const leaves = records(70);
    const f = new MerkleFrontier();
    assert.deepEqual(f.root(), EMPTY_ROOT);
    for (let n = 1; n <= leaves.length; n++) {
      f.append(leaves[n - 1]!);
      assert.equal(f.size, n);
      assert.deepEqual(f.root(), rootOf(leaves, n), `${n} leaves`);
    }
  });

  it("refuses a proof of a leaf or a prefix the tree does not have", () => {
    const leaves = records(3);
    assert.throws(() => inclusionProof(leaves, 3), RangeError);
    assert.throws(() => inclusionProof(leaves, 0, 4), RangeError);
    assert.throws(() => consistencyProof(leaves, 4, 3), RangeError);
    assert.ok(!verifyInclusion(leaves[0]!, 5, 3, [], rootOf(leaves)));
  });
});
