// The lock against real files and real flock(2): another open file description conflicts even
// inside one process, so these run in-process.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { acquireLock, inspectLock, withLockHeld } from "../../src/platform/lock.js";
import { bootId, processIdentity } from "../../src/platform/proc.js";

let dir: string;
let lockPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-lock-"));
  lockPath = join(dir, "daemon.lock");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString());
}

const writeOwner = (o: object) => writeFileSync(lockPath, JSON.stringify({ host: "h", startedAt: "t", version: "v", ...o }));

describe("daemon lock", () => {
  it("is absent, then running while held, then absent after release", () => {
    assert.equal(inspectLock(lockPath, "h").state, "absent");
    const held = acquireLock(lockPath, "h", "1.0.0");
    assert.equal(held.replaced, null);
    const state = inspectLock(lockPath, "h");
    assert.equal(state.state, "running");
    if (state.state === "running") assert.equal(state.owner.pid, process.pid);
    held.release();
    assert.equal(existsSync(lockPath), false);
    assert.equal(inspectLock(lockPath, "h").state, "absent");
  });

  it("refuses a second holder with already_running naming the pid", () => {
    const held = acquireLock(lockPath, "h", "1.0.0");
    assert.throws(
      () => acquireLock(lockPath, "h", "1.0.0"),
      (e: any) => e.kind === "already_running" && e.details.pid === process.pid,
    );
    held.release();
  });

  it("judges a dead pid stale and takes the lock over", () => {
    writeOwner({ pid: deadPid(), bootId: bootId(), startTime: "1" });
    const state = inspectLock(lockPath, "h");
    assert.equal(state.state, "stale");
    if (state.state === "stale") assert.equal(state.reason, "pid_dead");
    const held = acquireLock(lockPath, "h", "1.0.0");
    assert.equal(held.replaced?.state, "stale");
    assert.equal(JSON.parse(readFileSync(lockPath, "utf8")).pid, process.pid);
    held.release();
  });

  it("judges a live pid with another start time as reused, and another boot id as rebooted", () => {
    const me = processIdentity();
    writeOwner({ ...me, startTime: String(Number(me.startTime) + 1) });
    assert.deepEqual({ ...inspectLock(lockPath, "h"), owner: undefined }, { state: "stale", reason: "pid_reused", owner: undefined });
    writeOwner({ ...me, bootId: "00000000-0000-0000-0000-000000000000" });
    const rebooted = inspectLock(lockPath, "h");
    assert.equal(rebooted.state, "stale");
    if (rebooted.state === "stale") assert.equal(rebooted.reason, "rebooted");
  });

  it("treats a lock from another host as a conflict and refuses to take it", () => {
    writeOwner({ pid: 1, host: "other", bootId: null, startTime: null });
    assert.equal(inspectLock(lockPath, "h").state, "conflict");
    assert.throws(
      () => acquireLock(lockPath, "h", "1.0.0"),
      (e: any) => e.kind === "host_conflict" && e.details.lockHost === "other" && e.details.host === "h",
    );
    assert.equal(JSON.parse(readFileSync(lockPath, "utf8")).host, "other", "left untouched");
  });

  it("refuses to start over a lock file that names a live process, even with no flock held", () => {
    writeOwner({ ...processIdentity() });
    assert.throws(
      () => acquireLock(lockPath, "h", "1.0.0"),
      (e: any) => e.kind === "already_running",
    );
    assert.equal(JSON.parse(readFileSync(lockPath, "utf8")).host, "h", "left untouched");
  });

  it("release never unlinks a lock file that is no longer its own", () => {
    const held = acquireLock(lockPath, "h", "1.0.0");
    unlinkSync(lockPath);
    writeFileSync(lockPath, "someone else's");
    held.release();
    assert.equal(readFileSync(lockPath, "utf8"), "someone else's");
  });

  it("withLockHeld refuses while a daemon holds the lock, and runs when it is free", () => {
    const held = acquireLock(lockPath, "h", "1.0.0");
    assert.throws(
      () => withLockHeld(lockPath, "h", () => ({ result: 1, removeLock: true })),
      (e: any) => e.kind === "already_running",
    );
    assert.ok(existsSync(lockPath), "the held lock survives");
    held.release();
    assert.equal(
      withLockHeld(lockPath, "h", (state) => ({ result: state.state, removeLock: false })),
      "absent",
    );
    assert.equal(existsSync(lockPath), false, "an empty lock file made for the repair is removed");
  });

  it("refuses a symlinked lock file with unsafe_path", () => {
    writeFileSync(join(dir, "elsewhere"), "");
    symlinkSync(join(dir, "elsewhere"), lockPath);
    assert.throws(
      () => acquireLock(lockPath, "h", "1.0.0"),
      (e: any) => e.kind === "unsafe_path",
    );
  });

  it("treats unparseable content as stale and an empty file as absent", () => {
    writeFileSync(lockPath, "{garbage");
    assert.equal(inspectLock(lockPath, "h").state, "stale");
    writeFileSync(lockPath, "");
    assert.equal(inspectLock(lockPath, "h").state, "absent");
  });
});
