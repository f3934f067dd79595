// The approvals service on its own: requests, decisions, grants and their ends, expiry by
// mock.timers (no real waits), the journal replayed by a second service over the same file.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { AuditLog } from "../../src/ledger/audit-log.js";
import { openLogger, type Logger } from "../../src/platform/log.js";
import { RpcError } from "../../src/rpc/errors.js";
import { authorize, type WaitOptions } from "../../src/vault/approvals/gate.js";
import { ApprovalService, type Asking } from "../../src/vault/approvals/service.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const BY = { uid: 1000, pid: 42 };
let dir: string;
let audit: AuditLog;
let log: Logger;
let svc: ApprovalService;
const open = (timeoutSecs = 300) => new ApprovalService(dir, "h", audit, timeoutSecs, log, (t) => t.replaceAll("s3cret", "[masked]"));
const asking = (over: Partial<Asking> = {}): Asking => ({
  session: "S1",
  peer: { uid: 1000, pid: 7, exe: "/bin/agent", argv: ["agent"] },
  vault: "work",
  name: "TOKEN",
  scope: null,
  reason: "deploy",
  ...over,
});
const journal = () =>
  readFileSync(join(dir, "approvals", "h.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, any>);
const auditActions = () =>
  readFileSync(join(dir, "audit.jsonl"), "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, any>)
    .map((r) => [r.action, r.detail?.reason ?? r.detail?.decision ?? null]);
const never = new Promise<void>(() => {});
const waiting = (over: Partial<WaitOptions> = {}): WaitOptions => ({ wait: true, waitMs: 300_000, closed: never, ...over });
const kindOf = (err: unknown) => (err instanceof RpcError ? err.kind : String(err));
/** Lets promise callbacks run (mock.timers does not touch setImmediate). */
const settle = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-approvals-"));
  mock.timers.enable({ apis: ["Date", "setTimeout"], now: T0 });
  audit = new AuditLog(join(dir, "audit.jsonl"), "h", { hold: true });
  log = openLogger({ path: join(dir, "daemon.log"), level: "error", maxBytes: 1 << 20, echo: null });
  svc = open();
});
afterEach(() => {
  svc.dispose();
  audit.close();
  log.close();
  mock.timers.reset();
  rmSync(dir, { recursive: true, force: true });
});

describe("approval requests", () => {
  it("asking twice for the same entry reuses the pending request; another entry or session makes its own", () => {
    const a = svc.ask(asking());
    assert.equal(svc.ask(asking()).id, a.id);
    assert.notEqual(svc.ask(asking({ name: "OTHER" })).id, a.id);
    assert.notEqual(svc.ask(asking({ session: "S2" })).id, a.id);
    assert.equal(svc.list({ state: "pending" }).length, 3);
    assert.deepEqual(
      journal().map((r) => [r.seq, r.type]),
      [
        [1, "request"],
        [2, "request"],
        [3, "request"],
      ],
    );
  });

  it("of agents whose session cannot be told: bound to the asking process, never shared, kept across a restart; none usable when the process cannot be told", () => {
    const unknown = (holder: string | null) => asking({ session: null, holder });
    const a = svc.ask(unknown("7:100"));
    assert.equal(svc.ask(unknown("7:100")).id, a.id);
    assert.notEqual(svc.ask(unknown("8:200")).id, a.id, "another process");
    assert.notEqual(svc.ask(unknown(null)).id, a.id, "a process that cannot be told");
    const g = svc.decide({ request: a.id, decision: "approve", for: 600 }, BY).grant!;
    assert.equal(svc.use(null, "work", "TOKEN", "8:200"), null);
    assert.equal(svc.use(null, "work", "TOKEN"), null);
    assert.equal(svc.use(null, "work", "TOKEN", "7:100")?.id, g.id);
    const blind = svc.decide({ request: svc.ask(unknown(null)).id, decision: "approve", for: 600 }, BY).grant!;
    assert.equal(svc.use(null, "work", "TOKEN")?.id, undefined, `grant ${blind.id} serves nobody`);
    svc.dispose();
    svc = open();
    assert.equal(svc.use(null, "work", "TOKEN", "8:200"), null, "after a restart too");
    assert.equal(svc.use(null, "work", "TOKEN", "7:100")?.id, g.id);
  });

  it("approve --for serves reads until its time, then the next read asks again", async () => {
    const r = svc.ask(asking());
    const { grant } = svc.decide({ request: r.id, decision: "approve", for: 60 }, BY);
    assert.equal(grant?.until, new Date(T0 + 60_000).toISOString());
    assert.equal(svc.use("S1", "work", "TOKEN")?.id, grant!.id);
    assert.equal(svc.use("S1", "work", "TOKEN")?.id, grant!.id);
    assert.equal(svc.use("S2", "work", "TOKEN"), null, "another session's read is not covered");
    mock.timers.tick(60_000);
    assert.equal(svc.grantsInForce().length, 0);
    assert.equal(svc.use("S1", "work", "TOKEN"), null);
    await assert.rejects(authorize(svc, asking(), waiting({ wait: false })), (e) => kindOf(e) === "approval_pending");
    assert.deepEqual(journal().at(-2), { ...journal().at(-2), type: "grant_end", grant: grant!.id, reason: "expired" });
  });

  it("a once grant serves exactly one read", () => {
    const r = svc.ask(asking());
    const { grant } = svc.decide({ request: r.id, decision: "approve", once: true }, BY);
    assert.equal(grant?.once, true);
    assert.equal(svc.use("S1", "work", "TOKEN")?.id, grant!.id);
    assert.equal(svc.use("S1", "work", "TOKEN"), null);
    assert.deepEqual(
      journal().map((r) => r.type),
      ["request", "decision", "grant_end"],
    );
  });

  it("a waiting read is served once approved; two waiters on a once grant: one value, one asks anew", async () => {
    const first = authorize(svc, asking(), waiting());
    const second = authorize(svc, asking(), waiting());
    const [pending] = svc.list({ state: "pending" });
    svc.decide({ request: pending!.id, decision: "approve" }, BY); // neither for nor once: once
    assert.match(await first, /^g-/);
    await settle();
    const again = svc.list({ state: "pending" });
    assert.equal(again.length, 1, "the second waiter asked again");
    assert.notEqual(again[0]!.id, pending!.id);
    svc.decide({ request: again[0]!.id, decision: "deny", reason: "not now s3cret" }, BY);
    await assert.rejects(second, (e) => kindOf(e) === "approval_denied" && (e as RpcError).details.reason === "not now [masked]");
  });

  it("deny answers approval_denied; expiry answers approval_expired and is recorded", async () => {
    const denied = authorize(svc, asking(), waiting());
    svc.decide({ request: svc.list()[0]!.id, decision: "deny" }, BY);
    await assert.rejects(denied, (e) => kindOf(e) === "approval_denied");
    const expiring = authorize(svc, asking({ name: "OTHER" }), waiting());
    mock.timers.tick(300_000);
    await assert.rejects(expiring, (e) => kindOf(e) === "approval_expired");
    assert.deepEqual(
      svc.list().map((r) => r.state),
      ["denied", "expired"],
    );
    assert.deepEqual(auditActions(), [
      ["approval_request", null],
      ["approval_decision", "deny"],
      ["approval_request", null],
      ["approval_expired", null],
    ]);
  });

  it("a wait shorter than the request answers approval_pending; the request stays pending", async () => {
    const short = authorize(svc, asking(), waiting({ waitMs: 5000 }));
    mock.timers.tick(5000);
    await assert.rejects(short, (e) => kindOf(e) === "approval_pending");
    assert.equal(svc.list()[0]!.state, "pending");
  });

  it("a waiter whose caller went away is answered nothing more, and not handed the grant", async () => {
    let close!: () => void;
    const closed = new Promise<void>((r) => (close = r));
    const gone = authorize(svc, asking(), waiting({ closed }));
    close();
    await assert.rejects(gone, (e) => kindOf(e) === "approval_expired");
    const { grant } = svc.decide({ request: svc.list()[0]!.id, decision: "approve", once: true }, BY);
    assert.equal(svc.grantsInForce()[0]?.id, grant!.id, "the once grant is still unused");
  });

  it("deciding twice is a conflict, an unknown request not_found, for with once invalid", () => {
    const r = svc.ask(asking());
    assert.throws(
      () => svc.decide({ request: r.id, decision: "approve", for: 5, once: true }, BY),
      (e) => kindOf(e) === "invalid_params",
    );
    svc.decide({ request: r.id, decision: "deny" }, BY);
    assert.throws(
      () => svc.decide({ request: r.id, decision: "approve" }, BY),
      (e) => kindOf(e) === "conflict",
    );
    assert.throws(
      () => svc.decide({ request: "r-nope", decision: "approve" }, BY),
      (e) => kindOf(e) === "not_found",
    );
  });
});

describe("grants end", () => {
  const granted = (over: Partial<Asking> = {}) => svc.decide({ request: svc.ask(asking(over)).id, decision: "approve", for: 3600 }, BY).grant!;

  it("on revoke, on their session's end, on their vault's lock; each end is a record", () => {
    const a = granted();
    const b = granted({ session: "S2" });
    const c = granted({ vault: "home", session: "S3" });
    svc.revoke(a.id);
    assert.throws(
      () => svc.revoke(a.id),
      (e) => kindOf(e) === "not_found",
    );
    svc.sessionEnded("S2");
    svc.vaultLocked("home");
    assert.deepEqual(svc.grantsInForce(), []);
    assert.deepEqual(
      journal()
        .filter((r) => r.type === "grant_end")
        .map((r) => [r.grant, r.reason]),
      [
        [a.id, "revoked"],
        [b.id, "session_ended"],
        [c.id, "vault_locked"],
      ],
    );
    assert.equal(auditActions().filter(([a]) => a === "grant_end").length, 3);
  });
});

describe("the journal", () => {
  it("is replayed: a pending request can be decided after a restart, a grant stays until its time", () => {
    const pending = svc.ask(asking());
    const g = svc.decide({ request: svc.ask(asking({ name: "OTHER" })).id, decision: "approve", for: 120 }, BY).grant!;
    svc.dispose();
    svc = open();
    assert.equal(svc.list({ state: "pending" })[0]?.id, pending.id);
    assert.equal(svc.use("S1", "work", "OTHER")?.id, g.id);
    svc.decide({ request: pending.id, decision: "approve", for: 60 }, BY);
    mock.timers.tick(120_000);
    assert.deepEqual(svc.grantsInForce(), []);
    assert.deepEqual(
      journal().map((r) => r.seq),
      journal().map((_, i) => i + 1),
    );
  });

  it("a request that expired while the daemon was down expires at start", () => {
    const r = svc.ask(asking());
    svc.dispose();
    mock.timers.setTime(T0 + 301_000);
    svc = open();
    mock.timers.tick(0);
    assert.equal(svc.list()[0]?.id, r.id);
    assert.equal(svc.list()[0]?.state, "expired");
  });

  it("cuts a torn last line at open and goes on numbering after the last record", () => {
    svc.ask(asking());
    svc.dispose();
    appendFileSync(join(dir, "approvals", "h.jsonl"), '{"seq":2,"ts":"x","type":"requ');
    svc = open();
    svc.ask(asking({ name: "OTHER" }));
    assert.deepEqual(
      journal().map((r) => r.seq),
      [1, 2],
    );
  });

  it("is not opened through a symlink", () => {
    svc.dispose();
    const file = join(dir, "approvals", "h.jsonl");
    rmSync(file);
    writeFileSync(join(dir, "elsewhere"), "");
    symlinkSync(join(dir, "elsewhere"), file);
    assert.throws(
      () => open(),
      (e) => (e as { kind?: string }).kind === "unsafe_path",
    );
    svc = { dispose() {} } as ApprovalService;
  });
});
