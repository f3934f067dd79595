import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { openLogger } from "../../src/platform/log.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "wd-log-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("daemon log", () => {
  it("writes one JSON object per line, 0600, filtered by level", () => {
    const path = join(dir, "daemon.log");
    const log = openLogger({ path, level: "info", maxBytes: 1 << 20, echo: null });
    log.debug("hidden");
    log.info("shown", { connection: 3 });
    log.close();
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].msg, "shown");
    assert.equal(lines[0].connection, 3);
    assert.equal(lines[0].level, "info");
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it("redacts secret-looking fields at any depth", () => {
    const path = join(dir, "daemon.log");
    const log = openLogger({ path, level: "debug", maxBytes: 1 << 20, echo: null });
    log.warn("oops", { params: { name: "X", value: "hunter2" }, nested: { passphrase: "p4ss", token: "t0k" }, method: "vault.get" });
    log.close();
    const text = readFileSync(path, "utf8");
    for (const secret of ["hunter2", "p4ss", "t0k"]) assert.ok(!text.includes(secret), secret);
    assert.ok(text.includes("vault.get"));
  });

  it("rotates a log over maxBytes to daemon.log.1 when opened", () => {
    const path = join(dir, "daemon.log");
    writeFileSync(path, "x".repeat(2000));
    openLogger({ path, level: "info", maxBytes: 1000, echo: null }).close();
    assert.equal(readFileSync(`${path}.1`, "utf8").length, 2000);
    assert.ok(existsSync(path));
  });
});
