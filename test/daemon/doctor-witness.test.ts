// Doctor's witness check (no daemon needed): this host's witness records against the other hosts'
// logs as synced here — ok while they hold what was witnessed, failed naming the host when a log
// was rewritten or its last checkpoint failed, degraded while a log is shorter than witnessed.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { checkWitnesses } from "../../src/daemon/doctor/witness-checks.js";
import type { DoctorContext } from "../../src/daemon/doctor/types.js";
import { AuditLog } from "../../src/ledger/audit-log.js";
import { resolvePaths } from "../../src/platform/paths.js";
import { OtherHost } from "../helpers/witness-files.js";

const base = mkdtempSync(join(tmpdir(), "wd-wit-"));
const hosts: OtherHost[] = [];
after(() => {
  for (const h of hosts) h.cleanup();
  rmSync(base, { recursive: true, force: true });
});

function setup(name: string) {
  const paths = resolvePaths({ WARDEN_HOME: join(base, name), WARDEN_HOST: "testhost" });
  mkdirSync(join(paths.home, "audit"), { recursive: true });
  const ctx = { paths, config: null, configError: null, lock: { state: "free" }, daemon: { error: "not running" } } as unknown as DoctorContext;
  const witness = (fields: Parameters<AuditLog["append"]>[0]) => {
    const log = new AuditLog(paths.audit, "testhost", { hold: false });
    log.append(fields);
    log.close();
  };
  const other = (host: string) => {
    const h = new OtherHost(host);
    hosts.push(h);
    h.startEpoch();
    h.records(3);
    return h;
  };
  return { paths, ctx, witness, other };
}

describe("doctor: audit_witness", () => {
  it("is ok while every witnessed log holds what was witnessed", () => {
    const { ctx, witness, other } = setup("ok");
    assert.equal(checkWitnesses(ctx).check.state, "ok", "nothing witnessed yet");
    const a = other("hosta");
    a.deliver(ctx.paths.home, "audit");
    witness({ action: "witness", outcome: "ok", detail: { host: "hosta", ...a.root(3), key: a.verifierKey } });
    const r = checkWitnesses(ctx);
    assert.equal(r.check.state, "ok");
    assert.deepEqual(r.actions, []);
  });

  it("fails naming a host whose log was rewritten, and one whose last checkpoint failed", () => {
    const { ctx, witness, other } = setup("bad");
    const a = other("hosta");
    const b = other("hostb");
    witness({ action: "witness", outcome: "ok", detail: { host: "hosta", ...a.root(3), key: a.verifierKey } });
    witness({ action: "witness", outcome: "ok", detail: { host: "hostb", ...b.root(2), key: b.verifierKey } });
    witness({ action: "witness", outcome: "error", kind: "witness_bad_signature", detail: { host: "hostb", size: 4, root: b.root(4).root, key: null } });
    const forged = other("hosta");
    forged.deliver(ctx.paths.home, "audit");
    b.deliver(ctx.paths.home, "audit");
    const r = checkWitnesses(ctx);
    assert.equal(r.check.state, "failed");
    assert.match(r.check.message, /hosta/);
    assert.match(r.check.message, /hostb/);
    assert.deepEqual(
      r.actions.map((x) => [x.id, x.risk, x.command]),
      [
        ["inspect_audit", "requires_manual_review", "warden audit verify --host hosta --json"],
        ["inspect_audit", "requires_manual_review", "warden audit verify --host hostb --json"],
      ],
    );
  });

  it("is degraded while a witnessed log is shorter here than what was witnessed", () => {
    const { ctx, witness, other } = setup("behind");
    const a = other("hosta");
    a.deliver(ctx.paths.home, "audit");
    witness({ action: "witness", outcome: "ok", detail: { host: "hosta", size: 9, root: a.root().root, key: a.verifierKey } });
    assert.equal(checkWitnesses(ctx).check.state, "degraded");
  });
});
