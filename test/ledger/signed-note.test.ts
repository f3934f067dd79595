import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { leafHash, MerkleFrontier } from "../../src/ledger/merkle.js";
import { checkpointText, openNote, parseCheckpoint, parseVerifierKey, signerFromSeed, signNote } from "../../src/ledger/signed-note.js";

// The example key and note of the Go reference implementation (golang.org/x/mod/sumdb/note):
// Ed25519 is deterministic, so a note signed here must be byte for byte the published one.
const VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const SEED = Buffer.from("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "base64").subarray(1); // after the key type byte
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe("signed notes and checkpoints (C2SP)", () => {
  it("makes the reference verifier key and signs the reference note byte for byte", () => {
    const signer = signerFromSeed("PeterNeumann", SEED);
    assert.equal(signer.verifierKey, VKEY);
    assert.equal(signNote(TEXT, signer.name, signer.secretKey), NOTE);
  });

  it("verifies the reference note with its key; not with another key, nor once its text is changed", () => {
    const peter = parseVerifierKey(VKEY)!;
    assert.equal(peter.name, "PeterNeumann");
    assert.deepEqual(openNote(NOTE, [peter]), { text: TEXT, signatures: [{ name: "PeterNeumann", keyId: peter.keyId, verified: true }] });
    const other = parseVerifierKey(signerFromSeed("PeterNeumann", Buffer.alloc(32, 7)).verifierKey)!;
    assert.equal(openNote(NOTE, [other])!.signatures[0]!.verified, false, "another key of the same name");
    assert.equal(openNote(NOTE, [])!.signatures[0]!.verified, false, "no key");
    assert.equal(openNote(NOTE.replace("problem,", "problem!"), [peter])!.signatures[0]!.verified, false, "an edited text");
  });

  it("refuses verifier keys that are not well formed or whose id does not match", () => {
    for (const bad of [
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // wrong id
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // upper-case id
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // another key type
      "PeterNeumann+c74f20a3",
      "PeterNeumann+c74f20a3+!!!!",
    ]) {
      assert.equal(parseVerifierKey(bad), null, bad);
    }
    assert.equal(openNote("no signature block\n", []), null);
    assert.equal(openNote(`${TEXT}\nnot a signature line\n`, []), null);
  });

  it("signs an audit tree head as a checkpoint and reads it back", () => {
    const f = new MerkleFrontier();
    for (let i = 1; i <= 5; i++) f.append(leafHash(Buffer.from(`{"seq":${i}}`)));
    const signer = signerFromSeed("warden/testhost", Buffer.alloc(32, 1));
    const checkpoint = { origin: "warden/testhost", size: f.size, root: f.root(), extensions: [] };
    const note = signNote(checkpointText(checkpoint), signer.name, signer.secretKey);
    assert.match(note, /^warden\/testhost\n5\n[A-Za-z0-9+/]{43}=\n\n\u2014 warden\/testhost [A-Za-z0-9+/]+=*\n$/);
    const opened = openNote(note, [parseVerifierKey(signer.verifierKey)!])!;
    assert.equal(opened.signatures[0]!.verified, true);
    assert.deepEqual(parseCheckpoint(opened.text), checkpoint);
    assert.equal(parseCheckpoint("warden/testhost\n5\nnot base64 of 32 bytes\n"), null);
    assert.equal(parseCheckpoint("warden/testhost\n05\n" + f.root().toString("base64") + "\n"), null, "sizes are canonical decimals");
  });
});
