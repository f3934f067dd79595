import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { ensurePrivateDir } from "../../src/platform/secure-dir.js";

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "wd-dir-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

describe("ensurePrivateDir", () => {
  it("creates missing directories 0700, parents included", () => {
    const p = join(dir, "a", "b");
    ensurePrivateDir(p, { tighten: false });
    assert.equal(mode(p), 0o700);
  });

  it("refuses a symlink", () => {
    mkdirSync(join(dir, "real"), { mode: 0o700 });
    symlinkSync(join(dir, "real"), join(dir, "link"));
    assert.throws(
      () => ensurePrivateDir(join(dir, "link"), { tighten: true }),
      (e: any) => e.kind === "unsafe_path" && e.details.found === "symlink" && e.details.path === join(dir, "link"),
    );
  });

  it("refuses a foreign owner", { skip: process.getuid?.() !== 0 && "needs root to chown" }, () => {
    const p = join(dir, "theirs");
    mkdirSync(p, { mode: 0o700 });
    chownSync(p, 65534, 65534);
    assert.throws(
      () => ensurePrivateDir(p, { tighten: true }),
      (e: any) => e.kind === "unsafe_path" && e.details.owner === 65534,
    );
  });

  it("tightens when allowed; otherwise refuses writable-by-others and warns on readable", () => {
    const p = join(dir, "open");
    mkdirSync(p);
    chmodSync(p, 0o755);
    const warnings: string[] = [];
    ensurePrivateDir(p, { tighten: false, warn: (w) => warnings.push(w) });
    assert.equal(mode(p), 0o755, "not changed without tighten");
    assert.equal(warnings.length, 1, "a readable directory is reported");
    chmodSync(p, 0o775);
    assert.throws(
      () => ensurePrivateDir(p, { tighten: false }),
      (e: any) => e.kind === "unsafe_path" && e.details.mode === "0775",
    );
    ensurePrivateDir(p, { tighten: true });
    assert.equal(mode(p), 0o700);
  });
});
