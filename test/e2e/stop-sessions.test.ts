// `daemon stop` and `daemon restart` never end live sessions without being told to: they refuse
// (sessions_running, listing them) unless --kill-sessions; then PTYs get SIGHUP, SIGTERM and
// SIGKILL in turn (tasks SIGTERM, SIGKILL) and each exit records the signal that ended it.
// `restart` checks config.json before it stops anything.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { parseEvent } from "../../src/ledger/events.js";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { processLineage } from "../../src/platform/proc.js";
import { pollUntil } from "../helpers/poll.js";
import { watch } from "../helpers/sessions.js";

let home: TempHome;
let project: string;
let d: TestDaemon | undefined;
before(() => (project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")))));
after(() => rmSync(project, { recursive: true, force: true }));
afterEach(async () => {
  await d?.kill("SIGKILL");
  d = undefined;
  home?.cleanup();
});

const config = () => ({ sessions: { projects: [project], killGraceMs: 1000 } });

/** The last event in a session's ledger file. */
function lastEvent(id: string) {
  const lines = readFileSync(join(home.home, "ledger", "testhost", `${id}.jsonl`), "utf8")
    .trim()
    .split("\n");
  return parseEvent(lines.at(-1)!)!;
}

describe("daemon stop and restart with live sessions", () => {
  it("stop and restart refuse with sessions_running, listing them; the session and the daemon go on", async () => {
    home = tempHome(config());
    d = await startTestDaemon(home);
    const c = await RpcClient.connect(d.socket);
    try {
      const s = await c.call("sessions.launch", { argv: ["sleep", "300"], cwd: project, title: "long one" });
      for (const args of [
        ["daemon", "stop"],
        ["daemon", "restart"],
      ]) {
        const r = await runCli([...args, "--json"], home.env);
        assert.equal(r.code, 1, args.join(" "));
        const err = r.json().error;
        assert.equal(err.kind, "sessions_running");
        assert.deepEqual(err.sessions, [{ id: s.id, title: "long one", pid: s.process!.pid, mode: "pty" }]);
        const human = await runCli(args, home.env);
        assert.equal(human.code, 1);
        assert.ok(human.stderr.includes(s.id), human.stderr);
      }
      assert.equal((await c.call("sessions.get", { session: s.id })).live, true);
      assert.equal((await c.call("status", {})).daemon.pid, d.pid);
      await assert.rejects(c.call("shutdown", {}), (e: any) => e.kind === "sessions_running" && e.data.sessions.length === 1);
    } finally {
      c.close();
    }
  });

  it("--kill-sessions ends a PTY on SIGHUP, one that ignores HUP on SIGTERM, one that ignores both on SIGKILL; a task on SIGTERM", async () => {
    home = tempHome(config());
    d = await startTestDaemon(home);
    const c = await RpcClient.connect(d.socket);
    const launch = async (script: string, mode: "pty" | "task" = "pty") => {
      const s = await c.call("sessions.launch", { argv: ["sh", "-c", `${script}; echo ready; exec sleep 300`], cwd: project, mode });
      await (await watch(c, s.id)).sees("ready");
      return s.id;
    };
    const plain = await launch("true");
    const noHup = await launch("trap '' HUP");
    const stubborn = await launch("trap '' HUP TERM");
    const task = await launch("true", "task");
    c.close();
    const r = await runCli(["daemon", "stop", "--kill-sessions", "--json"], home.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().stopped, true);
    assert.equal(await d.exited, 0);
    d = undefined;
    for (const [id, signal] of [
      [plain, "SIGHUP"],
      [noHup, "SIGTERM"],
      [stubborn, "SIGKILL"],
      [task, "SIGTERM"],
    ] as const) {
      const exit = lastEvent(id);
      assert.equal(exit.kind, "exit", id);
      assert.equal(exit.data.signal, signal, `${id}: ${JSON.stringify(exit.data)}`);
      assert.equal(exit.data.terminal_reason, "daemon_stopped");
    }
  });

  it("SIGTERM to the daemon ends live sessions the same way", async () => {
    home = tempHome(config());
    d = await startTestDaemon(home);
    const c = await RpcClient.connect(d.socket);
    const s = await c.call("sessions.launch", { argv: ["sh", "-c", "echo ready; exec sleep 300"], cwd: project });
    await (await watch(c, s.id)).sees("ready");
    c.close();
    assert.equal(await d.kill("SIGTERM"), 0);
    d = undefined;
    assert.equal(lastEvent(s.id).data.signal, "SIGHUP", "a hangup first, as when its terminal goes away");
    assert.equal(lastEvent(s.id).data.terminal_reason, "daemon_stopped");
  });

  it("ends what ended sessions left behind (a setsid escapee re-parented to the daemon): after the daemon it would pass for a person's", async () => {
    home = tempHome(config());
    d = await startTestDaemon(home);
    const pidFile = join(project, "escapee.pid");
    const c = await RpcClient.connect(d.socket);
    const s = await c.call("sessions.launch", {
      argv: ["sh", "-c", `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 300' </dev/null >/dev/null 2>&1 &`],
      cwd: project,
      mode: "task",
    });
    assert.equal((await (await watch(c, s.id)).exit()).code, 0);
    c.close();
    let escapee = 0;
    await pollUntil(
      () => {
        escapee = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : 0);
        return escapee > 0 && processLineage(escapee)?.ppid === d!.pid;
      },
      { what: "the escapee, re-parented to the daemon" },
    );
    try {
      const r = await runCli(["daemon", "stop", "--json"], home.env);
      assert.equal(r.code, 0, r.stdout + r.stderr); // no live session: nothing to refuse
      assert.equal(await d.exited, 0);
      d = undefined;
      await pollUntil(() => processLineage(escapee) === null, { what: "the escapee ended with the daemon" });
    } finally {
      try {
        process.kill(escapee, "SIGKILL");
      } catch {
        // gone, as it should be
      }
    }
  });

  it("restart with a broken config.json refuses before stopping anything; the daemon still answers", async () => {
    home = tempHome(config());
    d = await startTestDaemon(home);
    writeFileSync(join(home.home, "config.json"), JSON.stringify({ server: { maxConnections: "lots" } }));
    const r = await runCli(["daemon", "restart", "--json"], home.env);
    assert.equal(r.code, 1);
    assert.equal(r.json().error.kind, "config_invalid");
    const c = await RpcClient.connect(d.socket);
    try {
      assert.equal((await c.call("status", {})).daemon.pid, d.pid);
    } finally {
      c.close();
    }
  });
});
