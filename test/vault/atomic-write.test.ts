// Atomic replace under SIGKILL: whenever the writer dies, the file is a complete vault (the old
// version or the new one), never a torn mix.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { packageRoot } from "../../src/platform/package-info.js";
import { keysFromPassphrase, listEntries, newVault, readVaultFile, writeVaultFile } from "../../src/vault/store.js";

describe("vault writes", () => {
  it("leave a complete vault whenever the writer is SIGKILLed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wd-aw-"));
    const path = join(dir, "work.vault");
    try {
      writeVaultFile(path, (await newVault(Buffer.from("pw"), "interactive")).doc);
      for (let round = 0; round < 8; round++) {
        const child = fork(join(packageRoot(), "test", "fixtures", "vault-writer.mjs"), [join(packageRoot(), "dist"), path], { stdio: "ignore" });
        await new Promise((r) => child.once("message", r));
        await new Promise((r) => setTimeout(r, 20 + round * 17));
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));
        const doc = readVaultFile(path, "work"); // throws vault_corrupt on a torn file
        const keys = await keysFromPassphrase(doc, Buffer.from("pw"), path);
        assert.ok(listEntries(doc, keys, path).every((e) => e.value.startsWith("v")));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
