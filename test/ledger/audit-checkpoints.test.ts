import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, chmodSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { loadAuditSigner, type AuditSigner } from "../../src/ledger/audit-key.js";
import { AuditLog, readHead } from "../../src/ledger/audit-log.js";
import { leafHash, rootOf } from "../../src/ledger/merkle.js";
import { openNote, parseCheckpoint, parseVerifierKey } from "../../src/ledger/signed-note.js";
import { resolvePaths, type WardenPaths } from "../../src/platform/paths.js";
import { ensureHome } from "../../src/platform/secure-dir.js";

let dir: string;
let paths: WardenPaths;
let signer: AuditSigner | null;

const lines = (p: string) => readFileSync(p).toString("utf8").split("\n").slice(0, -1);
const leaves = () => lines(paths.audit).map((l) => leafHash(Buffer.from(l)));
const notes = () =>
  existsSync(paths.auditCheckpoints)
    ? lines(paths.auditCheckpoints).map((l) => {
        const opened = openNote((JSON.parse(l) as { note: string }).note, [parseVerifierKey(signer!.verifierKey)!])!;
        return { ...parseCheckpoint(opened.text)!, verified: opened.signatures[0]!.verified };
      })
    : [];
const open = (gapMs = 1000) => new AuditLog(paths.audit, paths.host, { hold: true, checkpoints: { path: paths.auditCheckpoints, signer: signer!, gapMs } });
const get = (reason = "r") => ({ action: "get", outcome: "ok" as const, vault: "v", name: "K", reason });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-cp-"));
  paths = resolvePaths({ WARDEN_HOME: join(dir, "h"), WARDEN_HOST: "h1", HOME: dir });
  signer = null;
});
afterEach(() => {
  signer?.close();
  mock.timers.reset();
  rmSync(dir, { recursive: true, force: true });
});

async function home(): Promise<void> {
  ensureHome(paths);
  mkdirSync(join(paths.home, "audit"), { mode: 0o700 });
  signer = loadAuditSigner(paths);
}

describe("audit signing key", () => {
  it("is made once (0600, 32 bytes), published, and loaded the same on the next start", async () => {
    await home();
    const st = statSync(paths.auditSigningKey);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.size, 32);
    assert.equal(readFileSync(paths.auditPublicKey, "utf8"), `${signer!.verifierKey}\n`);
    assert.equal(parseVerifierKey(signer!.verifierKey)!.name, "warden/h1");
    const first = signer!.verifierKey;
    signer!.close();
    writeFileSync(paths.auditPublicKey, "stale\n");
    signer = loadAuditSigner(paths);
    assert.equal(signer.verifierKey, first);
    assert.equal(readFileSync(paths.auditPublicKey, "utf8"), `${first}\n`, "a pub file that does not match is rewritten");
  });

  it("refuses a symlink, a looser mode, or a wrong size (unsafe_path)", async () => {
    await home();
    signer!.close();
    signer = null;
    chmodSync(paths.auditSigningKey, 0o640);
    assert.throws(() => loadAuditSigner(paths), { kind: "unsafe_path" });
    chmodSync(paths.auditSigningKey, 0o600);
    appendFileSync(paths.auditSigningKey, "x");
    assert.throws(() => loadAuditSigner(paths), { kind: "unsafe_path" });
    unlinkSync(paths.auditSigningKey);
    writeFileSync(join(dir, "seed"), Buffer.alloc(32, 1), { mode: 0o600 });
    symlinkSync(join(dir, "seed"), paths.auditSigningKey);
    assert.throws(() => loadAuditSigner(paths), { kind: "unsafe_path" });
  });
});

describe("audit checkpoints", () => {
  it("rebuilds the tree at open: the root after reopen is rootOf every line, across chunk-sized lines", async () => {
    await home();
    let log = open();
    for (let i = 0; i < 5; i++) log.append(get(`r${i}`));
    log.append(get("x".repeat((1 << 20) + 17))); // a line spanning read chunks
    for (let i = 0; i < 7; i++) log.append(get(`s${i}`));
    const before = log.head()!;
    log.close();
    log = open();
    assert.equal(log.head()!.size, 14); // audit_key + 13
    assert.deepEqual(log.head()!.root, rootOf(leaves()));
    assert.deepEqual(log.head()!.root, before.root);
    log.append(get("after"));
    assert.deepEqual(log.head()!.root, rootOf(leaves()));
    log.close();
  });

  it("starts a key epoch once, and a key_lost epoch naming the previous key when the key is replaced", async () => {
    await home();
    let log = open();
    log.close();
    log = open();
    log.close();
    const first = JSON.parse(lines(paths.audit)[0]!);
    assert.equal(lines(paths.audit).length, 1);
    assert.deepEqual([first.action, first.detail], ["audit_key", { key: signer!.verifierKey, previous: null, reason: "first_key" }]);
    const old = signer!.verifierKey;
    signer!.close();
    unlinkSync(paths.auditSigningKey);
    signer = loadAuditSigner(paths);
    assert.notEqual(signer.verifierKey, old);
    log = open();
    log.close();
    const last = JSON.parse(lines(paths.audit).at(-1)!);
    assert.deepEqual(last.detail, { key: signer.verifierKey, previous: old, reason: "key_lost" });
    const n = notes().at(-1)!;
    assert.equal(n.size, 2);
    assert.ok(n.verified, "signed by the new key");
  });

  it("checkpoints after a batch, at most once per gap while records arrive, at close, only when grown", async () => {
    await home();
    mock.timers.enable({ apis: ["Date", "setTimeout"], now: 1_000_000 });
    const log = open(1000);
    assert.deepEqual(notes(), []);
    mock.timers.tick(0); // the audit_key record's batch
    assert.deepEqual(
      notes().map((n) => n.size),
      [1],
    );
    log.append(get("a"));
    log.append(get("b"));
    mock.timers.tick(999);
    assert.deepEqual(
      notes().map((n) => n.size),
      [1],
      "not twice within the gap",
    );
    mock.timers.tick(1);
    assert.deepEqual(
      notes().map((n) => n.size),
      [1, 3],
    );
    mock.timers.tick(5000); // no records: no checkpoint
    assert.deepEqual(
      notes().map((n) => n.size),
      [1, 3],
    );
    log.append(get("c"));
    mock.timers.tick(0); // a gap has passed since the last one: at once
    assert.deepEqual(
      notes().map((n) => n.size),
      [1, 3, 4],
    );
    log.append(get("d"));
    log.close();
    const all = notes();
    assert.deepEqual(
      all.map((n) => n.size),
      [1, 3, 4, 5],
    );
    assert.ok(all.every((n) => n.verified && n.origin === "warden/h1"));
    assert.deepEqual(all.at(-1)!.root, rootOf(leaves()));
    assert.deepEqual(all[1]!.root, rootOf(leaves(), 3));
  });

  it("syncs the log at each checkpoint, before it (the synced head is the checkpoint's size), with no timer of its own", async () => {
    await home();
    mock.timers.enable({ apis: ["Date", "setTimeout", "setInterval"], now: 1_000_000 });
    const headPath = join(dir, "head.json");
    const log = new AuditLog(paths.audit, paths.host, { hold: true, headPath, checkpoints: { path: paths.auditCheckpoints, signer: signer! } });
    mock.timers.tick(0);
    assert.equal(readHead(headPath)?.seq, 1);
    log.append(get("a"));
    mock.timers.tick(999);
    assert.equal(readHead(headPath)?.seq, 1, "no sync between checkpoints");
    mock.timers.tick(1);
    assert.equal(readHead(headPath)?.seq, 2);
    assert.equal(notes().at(-1)!.size, 2);
    log.close();
  });

  it("cuts a torn last checkpoint line at open, and signs records left unsigned", async () => {
    await home();
    let log = open();
    log.append(get("a"));
    log.close();
    appendFileSync(paths.auditCheckpoints, '{"note":"warden/h1\\n2\\nAAA'); // a crash mid-append
    // A record appended while no daemon held the log (direct mode): unsigned until the next open.
    const direct = new AuditLog(paths.audit, paths.host, { hold: false });
    direct.append(get("direct"));
    direct.close();
    mock.timers.enable({ apis: ["Date", "setTimeout"], now: 1_000_000 });
    log = open();
    assert.ok(readFileSync(paths.auditCheckpoints, "utf8").endsWith("\n"), "the torn line is gone");
    mock.timers.tick(0);
    assert.deepEqual(
      notes().map((n) => n.size),
      [2, 3],
    );
    assert.deepEqual(notes().at(-1)!.root, rootOf(leaves()));
    log.close();
  });
});
