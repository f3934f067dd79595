// Fail-closed restart: SIGKILL the daemon with live PTY sessions and a running task; the next
// daemon settles every one of them as failed (daemon_restarted), kills what survived of them,
// keeps their output, and re-runs nothing: a grandchild that left the session (setsid, double
// fork) too. A pid since reused by an unrelated process is spared, even one that claims the session.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bootId, pidAlive, processLineage, processStartTime } from "../../src/platform/proc.js";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { watch } from "../helpers/sessions.js";

let home: TempHome;
let project: string;
let d: TestDaemon | undefined;

before(() => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  home = tempHome({ sessions: { projects: [project] } });
});
after(async () => {
  await d?.kill("SIGKILL");
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

/** The ledger a crashed daemon left of task `id`: its launch, recording pid (and group) and start time, maybe some output; no exit. */
function writeCrashedTask(id: string, pid: number, startTime: string, output?: { stream: string; text: string }): void {
  const event = (seq: number, kind: string, data: object) => JSON.stringify({ v: 1, session: id, seq, ts: new Date().toISOString(), kind, data }) + "\n";
  const launch = {
    kind: "task",
    mode: "task",
    title: "old",
    harness: null,
    argv: ["old"],
    cwd: project,
    cols: 80,
    rows: 24,
    pid,
    pgid: pid,
    startTime,
    bootId: bootId(),
    env: [],
    secrets: [],
  };
  appendFileSync(join(home.home, "ledger", "testhost", `${id}.jsonl`), event(1, "launch", launch) + (output ? event(2, "output", output) : ""));
}

describe("restart after a crash", () => {
  it("settles live sessions and a running task as failed, kills survivors, keeps output", async () => {
    d = await startTestDaemon(home);
    let c = await RpcClient.connect(d.socket);
    const shell = await c.call("sessions.launch", { argv: ["bash", "--norc", "--noprofile", "-i"], cwd: project, env: { PS1: "$ " } });
    // Ignores the hangup the PTY's closing sends: only the next daemon can end it.
    const stubborn = await c.call("sessions.launch", { argv: ["sh", "-c", "trap '' HUP; echo stubborn-up; exec sleep 300"], cwd: project });
    const task = await c.call("sessions.launch", { argv: ["sh", "-c", "echo task-out; sleep 300 & echo bg=$!; wait"], cwd: project, mode: "task" });
    const ws = await watch(c, shell.id);
    await ws.sees("$ ");
    await c.call("sessions.input", { session: shell.id, data: "echo before-crash\r" });
    await ws.sees("before-crash\r\n");
    await (await watch(c, stubborn.id)).sees("stubborn-up");
    const wt = await watch(c, task.id);
    await wt.until((w) => /bg=\d+/.test(w.output()), "the task's background pid");
    const bg = Number(/bg=(\d+)/.exec(wt.output())![1]);
    // The task's last event is a scope change: it still runs, and is settled all the same.
    const credentials = { scopes: ["ci"], allow: ["work/TOKEN"] };
    await c.call("sessions.setScope", { session: task.id, ...credentials });
    c.close();

    await d.kill("SIGKILL");
    assert.ok(pidAlive(task.process!.pid!) && pidAlive(bg), "the task's group outlives the daemon");
    assert.ok(pidAlive(stubborn.process!.pid!), "so does a PTY program that ignores SIGHUP");

    d = await startTestDaemon(home);
    c = await RpcClient.connect(d.socket);
    try {
      const recovered = d
        .events("session_recovered")
        .map((e) => e.session)
        .sort();
      assert.deepEqual(recovered, [shell.id, stubborn.id, task.id].sort());
      for (const s of [shell, stubborn, task]) {
        const got = await c.call("sessions.get", { session: s.id });
        assert.equal(got.state, "failed", s.id);
        assert.equal(got.live, false);
        assert.equal(got.process!.exit!.reason, "daemon_restarted");
        const { events } = await c.call("events.read", { session: s.id });
        const exit = events.at(-1)!;
        assert.equal(exit.kind, "exit");
        assert.equal(exit.data.recovered_on_boot, true);
        assert.equal(exit.data.status, "failed");
      }
      assert.deepEqual((await c.call("sessions.get", { session: task.id })).credentials, credentials, "its last scope is still shown");
      const killed = (id: string) => d!.events("session_recovered").find((e) => e.session === id)!.killed;
      assert.equal(killed(task.id), true);
      assert.equal(killed(stubborn.id), true);
      await pollUntil(() => !pidAlive(task.process!.pid!) && !pidAlive(bg) && !pidAlive(stubborn.process!.pid!), { what: "survivors killed" });
      const taskOut = (await c.call("events.read", { session: task.id })).events
        .filter((e) => e.kind === "output")
        .map((e) => e.data.text)
        .join("");
      assert.ok(taskOut.startsWith("task-out\n"), taskOut);
      const shellOut = (await c.call("events.read", { session: shell.id })).events
        .filter((e) => e.kind === "output")
        .map((e) => e.data.text)
        .join("");
      assert.ok(shellOut.includes("before-crash"), "partial output kept: " + JSON.stringify((await c.call("events.read", { session: shell.id })).events));
      const listed = await c.call("sessions.list", { limit: 100 });
      assert.equal(listed.sessions.length, 3, "nothing re-run");
      assert.ok(listed.sessions.every((s) => s.live === false && s.state === "failed"));
      await assert.rejects(c.call("sessions.input", { session: shell.id, data: "x" }), (e: any) => e.kind === "conflict");
    } finally {
      c.close();
    }

    // A third start finds nothing left to settle.
    await d.kill();
    d = await startTestDaemon(home);
    assert.equal(d.events("session_recovered").length, 0);
    await d.kill();
    d = undefined;
  });

  it("spares a process that reuses a recorded pid", async () => {
    // An unrelated process, in a group of its own, whose pid a crashed daemon's record names with
    // another start time: the pid was reused. Killing it would kill a stranger.
    const stranger = spawn("sleep", ["300"], { detached: true, stdio: "ignore" });
    try {
      const pid = stranger.pid!;
      const id = "01a20000-0000-7000-8000-000000000001";
      writeCrashedTask(id, pid, "1", { stream: "stdout", text: "old output\n" });
      d = await startTestDaemon(home);
      const settled = d.events("session_recovered").find((e) => e.session === id);
      assert.ok(settled, "the session was settled");
      assert.equal(settled.killed, false);
      assert.ok(pidAlive(pid), "the stranger lives");
      const c = await RpcClient.connect(d.socket);
      try {
        assert.equal((await c.call("sessions.get", { session: id })).state, "failed");
      } finally {
        c.close();
      }
    } finally {
      stranger.kill("SIGKILL");
    }
  });

  it("kills a setsid, double-forked grandchild that left the session's group and Unix session", async () => {
    await d?.kill(); // the one the test before left running
    d = await startTestDaemon(home);
    const c = await RpcClient.connect(d.socket);
    // The subshell exits at once: the grandchild is reparented, in a Unix session of its own.
    const s = await c.call("sessions.launch", { argv: ["sh", "-c", "(setsid sh -c 'echo gc=$$; exec sleep 1000' &); exec sleep 300"], cwd: project });
    const w = await watch(c, s.id);
    await w.until((x) => /gc=\d+/.test(x.output()), "the grandchild's pid");
    const gc = Number(/gc=(\d+)/.exec(w.output())![1]);
    c.close();
    try {
      assert.equal(processLineage(gc)?.sid, gc, "it left the session's Unix session (and so its process group)");
      await d.kill("SIGKILL");
      assert.ok(pidAlive(gc), "the grandchild outlives the daemon");
      d = await startTestDaemon(home);
      assert.equal(d.events("session_recovered").find((e) => e.session === s.id)?.killed, true);
      await pollUntil(() => !pidAlive(gc), { what: "the grandchild killed by settlement" });
    } finally {
      if (pidAlive(gc)) process.kill(gc, "SIGKILL");
      await d.kill();
      d = undefined;
    }
  });

  it("kills what an ended session left behind (a setsid job) when the daemon that held it crashed", async () => {
    await d?.kill();
    d = await startTestDaemon(home);
    const pidFile = join(project, "leftover.pid");
    const c = await RpcClient.connect(d.socket);
    const s = await c.call("sessions.launch", {
      argv: ["sh", "-c", `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 300' </dev/null >/dev/null 2>&1 &`],
      cwd: project,
      mode: "task",
    });
    assert.equal((await (await watch(c, s.id)).exit()).code, 0, "the session itself ended");
    c.close();
    let left = 0;
    await pollUntil(
      () => {
        left = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : 0);
        return left > 0 && processLineage(left)?.ppid === d!.pid;
      },
      { what: "the leftover, re-parented to the daemon" },
    );
    try {
      await d.kill("SIGKILL"); // no orderly stop to end it: re-parented away, it would pass for a person's
      assert.ok(pidAlive(left), "the leftover outlives the daemon");
      d = await startTestDaemon(home);
      await pollUntil(() => !pidAlive(left), { what: "the leftover killed by the next daemon" });
      assert.equal(d.events("leftovers_killed").at(-1)?.count, 1);
    } finally {
      if (pidAlive(left)) process.kill(left, "SIGKILL");
      await d.kill();
      d = undefined;
    }
  });

  it("spares a process that claims a settled session but started before it (a reused pid)", async () => {
    // It carries the session's WARDEN_SESSION_ID and holds the recorded pid, but its start time
    // is before the recorded leader's: it cannot be a process of that session.
    const id = "01a20000-0000-7000-8000-000000000002";
    const stranger = spawn("sleep", ["300"], { detached: true, stdio: "ignore", env: { ...process.env, WARDEN_SESSION_ID: id } });
    try {
      const pid = stranger.pid!;
      await pollUntil(() => processStartTime(pid) !== null, { what: "the stranger to start" });
      const later = String(Number(processStartTime(pid)) + 1);
      writeCrashedTask(id, pid, later);
      d = await startTestDaemon(home);
      const settled = d.events("session_recovered").find((e) => e.session === id);
      assert.ok(settled, "the session was settled");
      assert.equal(settled.killed, false);
      assert.ok(pidAlive(pid), "the stranger lives");
    } finally {
      stranger.kill("SIGKILL");
      await d?.kill();
      d = undefined;
    }
  });
});
