// Doctor on the audit signing key: missing once checkpoints exist (a new epoch will start), exposed
// (a looser mode, a symlink), and a published key that is missing or not the private key's.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { checkAuditKey } from "../../src/daemon/doctor/audit-key-checks.js";
import { loadAuditSigner } from "../../src/ledger/audit-key.js";
import { resolvePaths, type WardenPaths } from "../../src/platform/paths.js";
import { ensureHome } from "../../src/platform/secure-dir.js";

let base: string;
let paths: WardenPaths;
const check = () => checkAuditKey({ paths, config: null, configError: null, lock: { state: "absent" }, daemon: { error: "not running" } });
const ids = (r: ReturnType<typeof check>) => r.actions.map((a) => [a.id, a.risk]);

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "wd-dak-"));
  paths = resolvePaths({ WARDEN_HOME: join(base, "h"), WARDEN_HOST: "testhost", HOME: base });
  ensureHome(paths);
  mkdirSync(join(paths.home, "audit"), { mode: 0o700 });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const makeKey = () => loadAuditSigner(paths).close();

describe("doctor: audit signing key", () => {
  it("is ok before the first start, and ok once made and published", () => {
    assert.equal(check().check.state, "ok");
    makeKey();
    assert.equal(check().check.state, "ok");
  });

  it("reports a missing key once checkpoints exist: a new key epoch will start", () => {
    makeKey();
    writeFileSync(paths.auditCheckpoints, '{"note":"x"}\n');
    unlinkSync(paths.auditSigningKey);
    const r = check();
    assert.equal(r.check.state, "degraded");
    assert.deepEqual(ids(r), [["restore_audit_key", "requires_manual_review"]]);
  });

  it("fails a key readable by others or a symlink (the daemon refuses it)", () => {
    makeKey();
    chmodSync(paths.auditSigningKey, 0o644);
    let r = check();
    assert.equal(r.check.state, "failed");
    assert.deepEqual(ids(r), [["fix_audit_key", "requires_manual_review"]]);
    assert.equal(r.actions[0]!.command, `chmod 600 ${paths.auditSigningKey}`);
    chmodSync(paths.auditSigningKey, 0o600);
    renameSync(paths.auditSigningKey, join(base, "elsewhere"));
    symlinkSync(join(base, "elsewhere"), paths.auditSigningKey);
    r = check();
    assert.equal(r.check.state, "failed");
    assert.deepEqual(ids(r), [["fix_audit_key", "requires_manual_review"]]);
  });

  it("reports keys/<host>.audit.pub missing or not matching the private key", () => {
    makeKey();
    unlinkSync(paths.auditPublicKey);
    let r = check();
    assert.equal(r.check.state, "degraded");
    assert.deepEqual(ids(r), [["publish_audit_key", "requires_manual_review"]]);
    const other = resolvePaths({ WARDEN_HOME: join(base, "o"), WARDEN_HOST: "testhost", HOME: base });
    ensureHome(other);
    loadAuditSigner(other).close();
    writeFileSync(paths.auditPublicKey, `${loadPub(other)}`);
    r = check();
    assert.equal(r.check.state, "degraded");
    assert.deepEqual(ids(r), [["publish_audit_key", "requires_manual_review"]]);
    makeKey(); // a start rewrites it
    assert.equal(check().check.state, "ok");
  });
});

function loadPub(p: WardenPaths): string {
  return readFileSync(p.auditPublicKey, "utf8");
}
