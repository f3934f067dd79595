// The vault file format against real files and real libsodium.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { checksum } from "../../src/vault/crypto.js";
import {
  findEntry,
  keysFromPassphrase,
  listEntries,
  newVault,
  putEntry,
  readVaultFile,
  rekeyVault,
  removeEntry,
  writeVaultFile,
  type EntryPlain,
} from "../../src/vault/store.js";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-vf-"));
  path = join(dir, "work.vault");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pass = () => Buffer.from("correct horse battery staple");
const entry = (name: string, value: string, scopes: string[] = []): EntryPlain => ({
  name,
  value,
  scopes,
  description: "",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

async function sample(): Promise<void> {
  const { doc, keys } = await newVault(pass(), "interactive");
  writeVaultFile(path, putEntry(putEntry(doc, keys, entry("OPENAI_KEY", "sk-live-AAAA", ["dev"])), keys, entry("DB_URL", "postgres://u:p@h/db")));
}

/** Edits the file's JSON and, unless told not to, recomputes the checksum as a forger would. */
function tamper(edit: (doc: any) => void, fixChecksum = true): void {
  const doc = JSON.parse(readFileSync(path, "utf8"));
  edit(doc);
  if (fixChecksum) {
    const { checksum: _old, ...body } = doc;
    doc.checksum = checksum(JSON.stringify(body));
  }
  writeFileSync(path, JSON.stringify(doc));
}

describe("vault file format", () => {
  it("round-trips entries, and stores neither names nor values in the clear", async () => {
    await sample();
    const text = readFileSync(path, "utf8");
    for (const secret of ["OPENAI_KEY", "sk-live-AAAA", "DB_URL", "postgres://"]) assert.ok(!text.includes(secret), secret);
    const doc = readVaultFile(path, "work");
    const keys = await keysFromPassphrase(doc, pass(), path);
    assert.deepEqual(findEntry(doc, keys, "OPENAI_KEY", path), entry("OPENAI_KEY", "sk-live-AAAA", ["dev"]));
    assert.equal(findEntry(doc, keys, "MISSING", path), null);
    assert.deepEqual(
      listEntries(doc, keys, path).map((e) => e.name),
      ["DB_URL", "OPENAI_KEY"],
    );
    const smaller = removeEntry(doc, keys, "DB_URL");
    assert.equal(smaller.entries.length, 1);
  });

  it("replaces an entry of the same name instead of adding a second", async () => {
    await sample();
    const doc = readVaultFile(path, "work");
    const keys = await keysFromPassphrase(doc, pass(), path);
    const next = putEntry(doc, keys, entry("DB_URL", "new"));
    assert.equal(next.entries.length, 2);
    assert.equal(findEntry(next, keys, "DB_URL", path)?.value, "new");
  });

  it("answers a wrong passphrase with bad_passphrase", async () => {
    await sample();
    await assert.rejects(keysFromPassphrase(readVaultFile(path, "work"), Buffer.from("wrong"), path), (e: any) => e.kind === "bad_passphrase");
  });

  it("answers a damaged or hand-edited file with vault_corrupt naming it", async () => {
    await sample();
    tamper((d) => (d.kdf.opslimit = 3), false);
    assert.throws(
      () => readVaultFile(path, "work"),
      (e: any) => e.kind === "vault_corrupt" && e.details.path === path,
    );
    writeFileSync(path, "{ not json");
    assert.throws(
      () => readVaultFile(path, "work"),
      (e: any) => e.kind === "vault_corrupt",
    );
    writeFileSync(path, JSON.stringify({ format: "warden.vault", version: 9 }));
    assert.throws(
      () => readVaultFile(path, "work"),
      (e: any) => e.kind === "vault_corrupt",
    );
  });

  it("detects tampered ciphertext even with a forged checksum: vault_corrupt at read", async () => {
    await sample();
    tamper((d) => {
      const ct = Buffer.from(d.entries[0].ct, "base64");
      ct[5]! ^= 1;
      d.entries[0].ct = ct.toString("base64");
    });
    const doc = readVaultFile(path, "work");
    const keys = await keysFromPassphrase(doc, pass(), path);
    assert.throws(
      () => listEntries(doc, keys, path),
      (e: any) => e.kind === "vault_corrupt",
    );
  });

  it("binds each entry to its name: swapped ciphertexts fail authentication", async () => {
    await sample();
    tamper((d) => {
      [d.entries[0].ct, d.entries[1].ct] = [d.entries[1].ct, d.entries[0].ct];
      [d.entries[0].nonce, d.entries[1].nonce] = [d.entries[1].nonce, d.entries[0].nonce];
    });
    const doc = readVaultFile(path, "work");
    const keys = await keysFromPassphrase(doc, pass(), path);
    assert.throws(
      () => findEntry(doc, keys, "OPENAI_KEY", path),
      (e: any) => e.kind === "vault_corrupt",
    );
  });

  it("binds the KDF parameters to the check block: a forged weaker KDF does not open the vault", async () => {
    await sample();
    tamper((d) => (d.kdf.opslimit = 1));
    await assert.rejects(keysFromPassphrase(readVaultFile(path, "work"), pass(), path), (e: any) => e.kind === "bad_passphrase");
  });

  it("rekeys: new salt and check, same entries, old passphrase no longer opens it", async () => {
    await sample();
    const doc = readVaultFile(path, "work");
    const keys = await keysFromPassphrase(doc, pass(), path);
    const next = await rekeyVault(doc, keys, path, Buffer.from("new pass"), "interactive");
    writeVaultFile(path, next.doc);
    const reread = readVaultFile(path, "work");
    assert.notEqual(reread.kdf.salt, doc.kdf.salt);
    await assert.rejects(keysFromPassphrase(reread, pass(), path), (e: any) => e.kind === "bad_passphrase");
    const newKeys = await keysFromPassphrase(reread, Buffer.from("new pass"), path);
    assert.equal(findEntry(reread, newKeys, "OPENAI_KEY", path)?.value, "sk-live-AAAA");
  });

  it("says not_found for a missing vault file", () => {
    assert.throws(
      () => readVaultFile(join(dir, "nope.vault"), "nope"),
      (e: any) => e.kind === "not_found",
    );
  });
});
