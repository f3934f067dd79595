// Lifecycle through the real CLI: start, status, stop, restart, a second daemon refused, SIGKILL
// leaving a stale lock that doctor reports and --fix repairs, a host conflict --fix refuses, and
// graceful exits on SIGTERM, SIGINT and the shutdown method.
import assert from "node:assert/strict";
import { chmodSync, existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { waitGone } from "../helpers/sessions.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { RawClient } from "../helpers/raw-client.js";

let home: TempHome;
const pids: number[] = [];

afterEach(async () => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  home?.cleanup();
});

function daemonPid(h: TempHome): number {
  return JSON.parse(readFileSync(join(h.runRoot, "daemon.json"), "utf8")).pid;
}

/** `warden daemon start`, then SIGKILL the daemon: what a crash leaves behind. */
async function startThenCrash(h: TempHome): Promise<number> {
  const pid = (await runCli(["daemon", "start", "--json"], h.env)).json().pid;
  pids.push(pid);
  process.kill(pid, "SIGKILL");
  await waitGone(pid);
  return pid;
}

describe("start, status, stop", () => {
  it("starts detached, reports running, stops and leaves no socket or lock", async () => {
    home = tempHome();
    const start = await runCli(["daemon", "start", "--json"], home.env);
    assert.equal(start.code, 0, start.stderr);
    const started = start.json();
    assert.equal(started.started, true);
    assert.equal(started.socket, home.socket);
    pids.push(started.pid);

    const again = await runCli(["daemon", "start", "--json"], home.env);
    assert.equal(again.code, 0);
    assert.equal(again.json().alreadyRunning, true);
    assert.equal(again.json().pid, started.pid);

    const status = await runCli(["daemon", "status", "--json"], home.env);
    assert.equal(status.code, 0);
    const s = status.json();
    assert.equal(s.state, "running");
    assert.equal(s.pid, started.pid);
    assert.equal(typeof s.uptimeSecs, "number");
    assert.equal(s.socket, home.socket);

    const ping = await runCli(["ping", "--json"], home.env);
    assert.equal(ping.code, 0);
    assert.equal(ping.json().pong, true);

    const health = await runCli(["health", "--json"], home.env);
    assert.equal(health.json().apiVersion, "warden.v1");
    assert.equal(health.json().daemon.pid, started.pid);

    const stop = await runCli(["daemon", "stop", "--json"], home.env);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(stop.json(), { stopped: true, pid: started.pid, how: "rpc" });
    await waitGone(started.pid);
    assert.equal(existsSync(home.socket), false);
    assert.equal(existsSync(join(home.runRoot, "daemon.lock")), false);
    assert.equal(existsSync(join(home.runRoot, "daemon.json")), false);

    const after = await runCli(["daemon", "status", "--json"], home.env);
    assert.equal(after.code, 3);
    assert.equal(after.json().state, "stopped");
  });

  it("restart replaces the running daemon with a new one", async () => {
    home = tempHome();
    const first = (await runCli(["daemon", "start", "--json"], home.env)).json().pid;
    pids.push(first);
    const restart = await runCli(["daemon", "restart", "--json"], home.env);
    assert.equal(restart.code, 0, restart.stderr);
    const r = restart.json();
    pids.push(r.pid);
    assert.equal(r.previousPid, first);
    assert.notEqual(r.pid, first);
    assert.equal((await runCli(["daemon", "status", "--json"], home.env)).json().pid, r.pid);
    assert.equal((await runCli(["daemon", "stop"], home.env)).code, 0);
  });

  it("a client of a stopped daemon says so, names the fix, and exits 3", async () => {
    home = tempHome();
    const ping = await runCli(["ping"], home.env);
    assert.equal(ping.code, 3);
    assert.match(ping.stderr, /warden daemon start/);
    const json = await runCli(["health", "--json"], home.env);
    assert.equal(json.code, 3);
    assert.equal(json.json().error.kind, "unavailable");
    assert.equal(json.json().error.kind, "unavailable");
    const stop = await runCli(["daemon", "stop", "--json"], home.env);
    assert.equal(stop.code, 0);
    assert.equal(stop.json().stopped, false);
  });

  it("refuses a second daemon on the same run root", async () => {
    home = tempHome();
    const first = await startTestDaemon(home);
    await assert.rejects(startTestDaemon(home), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, "already_running");
      assert.equal((err as Error & { pid?: number }).pid, first.pid);
      return true;
    });
    // The refused start must not have disturbed the running daemon.
    const c = await RawClient.connect(first.socket);
    assert.deepEqual((await c.request({ jsonrpc: "2.0", id: 1, method: "ping" })).result, { pong: true });
    c.close();
    assert.equal(await first.kill(), 0);
  });
});

describe("crash and repair", () => {
  it("SIGKILL leaves a stale lock: status and doctor report it, --fix repairs and restarts", async () => {
    home = tempHome();
    await startThenCrash(home);

    const status = await runCli(["daemon", "status", "--json"], home.env);
    assert.equal(status.code, 1);
    assert.equal(status.json().state, "stale");
    assert.equal(status.json().staleReason, "pid_dead");

    const doctor = await runCli(["daemon", "doctor", "--json"], home.env);
    assert.equal(doctor.code, 1);
    const report = doctor.json();
    assert.equal(report.doctor.state, "degraded");
    const lock = report.doctor.checks.find((c: any) => c.name === "lock");
    assert.equal(lock.state, "degraded");
    const socket = report.doctor.checks.find((c: any) => c.name === "socket");
    assert.equal(socket.state, "degraded");
    const ids = report.repair_actions.map((a: any) => a.id);
    assert.ok(ids.includes("remove_stale_lock"));
    assert.ok(ids.includes("remove_stale_socket"));
    for (const a of report.repair_actions) assert.equal(a.risk, "runtime_only");
    assert.ok(report.storage_layout.host_local_never_sync[0].endsWith("/run/"));

    const fix = await runCli(["daemon", "doctor", "--fix", "--json"], home.env);
    assert.equal(fix.code, 0, fix.stdout);
    const fixed = fix.json();
    assert.deepEqual(
      fixed.fixed.map((f: any) => [f.id, f.ok]),
      [
        ["remove_stale_socket", true],
        ["remove_stale_lock", true],
        ["start_daemon", true],
      ],
    );
    assert.equal(fixed.doctor.state, "healthy");
    pids.push(daemonPid(home));
    assert.equal((await runCli(["daemon", "stop"], home.env)).code, 0);
  });

  it("--repair-stale-lock removes only the stale lock", async () => {
    home = tempHome();
    await startThenCrash(home);
    const r = await runCli(["daemon", "doctor", "--repair-stale-lock", "--json"], home.env);
    assert.deepEqual(
      r.json().fixed.map((f: any) => f.id),
      ["remove_stale_lock"],
    );
    assert.equal(existsSync(join(home.runRoot, "daemon.lock")), false);
    assert.equal(existsSync(home.socket), true, "the stale socket is left for --fix");
  });

  it("a fresh start replaces a stale lock by itself", async () => {
    home = tempHome();
    await startThenCrash(home);
    const d = await startTestDaemon(home);
    assert.equal(d.events("stale_lock_replaced")[0]?.previous.reason, "pid_dead");
    assert.equal(await d.kill(), 0);
  });

  it("a lock written by another host is a conflict: start refuses, doctor fails, --fix refuses", async () => {
    home = tempHome();
    await startThenCrash(home);
    const lockPath = join(home.runRoot, "daemon.lock");
    const lock = JSON.parse(readFileSync(lockPath, "utf8"));
    writeFileSync(lockPath, JSON.stringify({ ...lock, host: "other-laptop" }));

    const start = await runCli(["daemon", "start", "--json"], home.env);
    assert.equal(start.code, 1);
    assert.equal(start.json().error.kind, "host_conflict");
    assert.equal(start.json().error.lockHost, "other-laptop");

    const status = await runCli(["daemon", "status", "--json"], home.env);
    assert.equal(status.code, 4);
    assert.equal(status.json().state, "conflict");

    const fix = await runCli(["daemon", "doctor", "--fix", "--json"], home.env);
    assert.equal(fix.code, 1);
    const report = fix.json();
    assert.equal(report.doctor.state, "failed");
    assert.equal(report.fixed.length, 1, "only the stale socket is removed");
    assert.equal(report.fixed[0].id, "remove_stale_socket");
    const action = report.repair_actions.find((a: any) => a.id === "resolve_host_conflict");
    assert.equal(action.risk, "requires_manual_review");
    assert.equal(JSON.parse(readFileSync(lockPath, "utf8")).host, "other-laptop", "the conflicting lock is untouched");
  });
});

describe("a daemon that does not answer", () => {
  it("is reported unresponsive by status and doctor, and stop --force kills it and cleans up", async () => {
    home = tempHome();
    const pid = (await runCli(["daemon", "start", "--json"], home.env)).json().pid;
    pids.push(pid);
    process.kill(pid, "SIGSTOP"); // its event loop stops; the kernel still accepts connections
    try {
      const status = await runCli(["daemon", "status", "--json"], home.env);
      assert.equal(status.code, 4);
      assert.equal(status.json().state, "unresponsive");
      const doctor = await runCli(["daemon", "doctor", "--json"], home.env);
      assert.equal(doctor.json().doctor.state, "failed");
      const action = doctor.json().repair_actions.find((a: any) => a.id === "restart_daemon");
      assert.equal(action.risk, "requires_manual_review");
      const stop = await runCli(["daemon", "stop", "--timeout", "1s", "--force", "--json"], home.env);
      assert.equal(stop.code, 0, stop.stdout);
      assert.equal(stop.json().how, "sigkill");
      await waitGone(pid);
      assert.equal(existsSync(home.socket), false);
      assert.equal(existsSync(join(home.runRoot, "daemon.lock")), false);
    } finally {
      try {
        process.kill(pid, "SIGCONT");
      } catch {}
    }
  });
});

describe("refusing a second daemon whose lock file was deleted", () => {
  it("sees the first daemon on the socket and refuses, leaving it serving", async () => {
    home = tempHome();
    const first = await startTestDaemon(home);
    unlinkSync(join(home.runRoot, "daemon.lock"));
    await assert.rejects(startTestDaemon(home), (err: Error & { kind?: string }) => err.kind === "already_running");
    const c = await RawClient.connect(first.socket);
    assert.deepEqual((await c.request({ jsonrpc: "2.0", id: 1, method: "ping" })).result, { pong: true });
    c.close();
    assert.equal(await first.kill(), 0);
  });
});

describe("doctor on a running daemon", () => {
  it("reports a socket with the wrong mode and --fix restores 0600", async () => {
    home = tempHome();
    const d = await startTestDaemon(home);
    try {
      chmodSync(home.socket, 0o666);
      const doctor = await runCli(["daemon", "doctor", "--json"], home.env);
      assert.equal(doctor.code, 1);
      assert.equal(doctor.json().doctor.checks.find((c: any) => c.name === "socket").state, "degraded");
      assert.equal(doctor.json().repair_actions[0].id, "chmod_socket");
      const fix = await runCli(["daemon", "doctor", "--fix", "--json"], home.env);
      assert.equal(fix.code, 0);
      assert.equal(statSync(home.socket).mode & 0o777, 0o600);
    } finally {
      await d.kill();
    }
  });
});

describe("failure modes", () => {
  it("exits 1 after an uncaught exception, still removing socket and lock", async () => {
    home = tempHome();
    const bomb = join(home.home, "..", "bomb.mjs");
    // Thrown once the daemon has told its parent it is ready (not after a guessed time).
    writeFileSync(
      bomb,
      "const send = process.send.bind(process);\n" +
        "process.send = (m, h, o, cb) => send(m, h, o, (...e) => { cb?.(...e); if (m?.type === 'ready') setImmediate(() => { throw new Error('boom'); }); });\n",
    );
    const d = await startTestDaemon(home, { NODE_OPTIONS: `--import=${bomb}` });
    assert.equal(await d.exited, 1);
    assert.equal(d.events("fatal").length, 1);
    assert.equal(existsSync(home.socket), false);
    assert.equal(existsSync(join(home.runRoot, "daemon.lock")), false);
  });

  it("keeps working, and stops cleanly, when its stderr reader goes away", async () => {
    home = tempHome();
    const d = await startTestDaemon(home);
    d.child.stderr!.destroy();
    for (let i = 0; i < 3; i++) {
      const c = await RawClient.connect(d.socket);
      assert.deepEqual((await c.request({ jsonrpc: "2.0", id: i, method: "ping" })).result, { pong: true });
      c.close();
    }
    assert.equal(await d.kill("SIGTERM"), 0);
    assert.equal(existsSync(join(home.runRoot, "daemon.lock")), false);
    const log = readFileSync(join(home.runRoot, "daemon.log"), "utf8");
    assert.ok(log.split("\n").length < 50, "no error loop in daemon.log");
  });
});

describe("graceful shutdown", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`exits 0 on ${signal} and removes socket, lock and daemon.json`, async () => {
      home = tempHome();
      const d = await startTestDaemon(home);
      assert.equal(await d.kill(signal), 0);
      assert.equal(existsSync(home.socket), false);
      assert.equal(existsSync(join(home.runRoot, "daemon.lock")), false);
      assert.equal(existsSync(join(home.runRoot, "daemon.json")), false);
      assert.equal(d.events("stopping")[0]?.reason, signal);
      assert.equal(d.events("stopped").length, 1);
    });
  }

  it("the shutdown method replies first, then the daemon exits 0", async () => {
    home = tempHome();
    const d = await startTestDaemon(home);
    const c = await RawClient.connect(d.socket);
    const other = await RawClient.connect(d.socket);
    const reply = await c.request({ jsonrpc: "2.0", id: 1, method: "shutdown", params: { reason: "test" } });
    assert.deepEqual(reply.result, { stopping: true, pid: d.pid });
    assert.equal(await d.exited, 0);
    assert.equal(await other.nextLine(), null, "other connections are closed, not left hanging");
    assert.equal(existsSync(home.socket), false);
    c.close();
  });
});
