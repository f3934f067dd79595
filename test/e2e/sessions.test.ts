// PTY and task sessions end to end: a real daemon running real programs (bash, python3, a
// full-screen program, node) in real PTYs, watched over the socket.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import xterm from "@xterm/headless";
import { decodeBytes, type LedgerEvent } from "../../src/ledger/events.js";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { contiguous, waitGone, watch } from "../helpers/sessions.js";

const node = process.execPath;
let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;

function has(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  const echoer = { argv: ["sh", "-c", 'echo "harness:$GREETING $*"', "sh"], env: { GREETING: "hello" } };
  home = tempHome({ sessions: { projects: [project], harnesses: { echoer } } });
  d = await startTestDaemon(home);
  c = await RpcClient.connect(d.socket);
});
after(async () => {
  c?.close();
  await d?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

const bash = ["bash", "--norc", "--noprofile", "-i"];
const launch = (p: Record<string, unknown>) => c.call("sessions.launch", { cwd: project, ...p } as never);

/** Renders a snapshot's screen in a fresh terminal of its size and returns its visible lines. */
async function render(snap: { screen: string; cols: number; rows: number }): Promise<string[]> {
  const term = new xterm.Terminal({ cols: snap.cols, rows: snap.rows, allowProposedApi: true });
  await new Promise<void>((r) => term.write(snap.screen, r));
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < snap.rows; y++) lines.push((buf.getLine(buf.viewportY + y)?.translateToString(true) ?? "").trimEnd());
  term.dispose();
  return lines;
}

describe("PTY sessions", () => {
  it("runs bash: typed input is echoed, runs, and is recorded", async () => {
    const s = await launch({ argv: bash, env: { PS1: "$ " } });
    assert.equal(s.state, "running");
    assert.equal(s.live, true);
    assert.equal(s.kind, "pty");
    assert.ok(s.process!.pid! > 1);
    const w = await watch(c, s.id);
    await w.sees("$ ");
    const typed = await c.call("sessions.input", { session: s.id, data: "echo hi-$((40+2))\r" });
    assert.equal(typed.bytes, 18);
    await w.sees("hi-42");
    assert.ok(w.output().includes("echo hi-$((40+2))"), "the typed line is echoed");
    const inputs = w.events
      .filter((e) => e.kind === "input")
      .map((e) => e.data.text)
      .join("");
    assert.equal(inputs, "echo hi-$((40+2))\r");
    await c.call("sessions.input", { session: s.id, data: "exit 7\r" });
    const exit = await w.exit();
    assert.deepEqual([exit.code, exit.signal, exit.status, exit.terminal_reason], [7, null, "exited", null]);
    const got = await c.call("sessions.get", { session: s.id });
    assert.equal(got.state, "exited");
    assert.equal(got.live, false);
    assert.equal(got.process!.exit!.code, 7);
    contiguous(w.events);
  });

  it("resizes: the child sees the new size (stty size) and a resize event is recorded", async () => {
    const s = await launch({ argv: bash, env: { PS1: "$ " }, cols: 80, rows: 24 });
    const w = await watch(c, s.id);
    await w.sees("$ ");
    await c.call("sessions.input", { session: s.id, data: "stty size\r" });
    await w.sees("24 80");
    const r = await c.call("sessions.resize", { session: s.id, cols: 132, rows: 43 });
    await w.until((x) => x.events.some((e) => e.seq === r.seq), "the resize event");
    assert.deepEqual(w.events.find((e) => e.seq === r.seq)!.data, { cols: 132, rows: 43 });
    await c.call("sessions.input", { session: s.id, data: "stty size\r" });
    await w.sees("43 132");
    const snap = await c.call("sessions.snapshot", { session: s.id });
    assert.deepEqual([snap.cols, snap.rows, snap.live], [132, 43, true]);
    await c.call("sessions.kill", { session: s.id, signal: "SIGKILL" });
    await w.exit();
  });

  it("runs a python3 REPL", { skip: !has("python3") && "python3 is not installed" }, async () => {
    const s = await launch({ argv: ["python3", "-q"] });
    const w = await watch(c, s.id);
    await w.sees(">>> ");
    await c.call("sessions.input", { session: s.id, data: "print(6 * 7, 'ok')\r" });
    await w.sees("42 ok");
    await c.call("sessions.input", { session: s.id, data: "import sys; sys.exit(5)\r" });
    assert.equal((await w.exit()).code, 5);
  });

  it("snapshots a full-screen program as its screen, live and after it exits", async () => {
    // Prints to the main screen, then switches to the alternate screen and draws at positions,
    // as vim or an agent TUI does; waits for a key, then leaves.
    const tui = [
      "process.stdout.write('main-screen-junk\\r\\n'.repeat(30));",
      "process.stdout.write('\\x1b[?1049h\\x1b[2J\\x1b[H' + 'TITLE BAR' + '\\x1b[12;30H' + 'MIDDLE' + '\\x1b[24;1H' + 'STATUS 42' + '\\x1b[3;5H');",
      "process.stdin.setRawMode(true); process.stdin.once('data', () => { process.stdout.write('\\x1b[?1049l'); process.exit(0); });",
    ].join("\n");
    const s = await launch({ argv: [node, "-e", tui], cols: 80, rows: 24 });
    const w = await watch(c, s.id);
    await w.sees("STATUS 42");
    const snap = await c.call("sessions.snapshot", { session: s.id });
    assert.equal(snap.live, true);
    const lines = await render(snap);
    assert.equal(lines[0], "TITLE BAR");
    assert.equal(lines[11], " ".repeat(29) + "MIDDLE");
    assert.equal(lines[23], "STATUS 42");
    assert.ok(!lines.some((l) => l.includes("junk")), "the alternate screen, not a replay of the main one");
    assert.ok(snap.seq >= 2 && snap.seq <= w.events.at(-1)!.seq);
    // The subscription continuing from snap.seq starts right after what the screen shows.
    const more = await watch(c, s.id, snap.seq);
    await c.call("sessions.input", { session: s.id, data: "q" });
    await more.exit();
    contiguous(more.events, snap.seq);
    const after = await c.call("sessions.snapshot", { session: s.id });
    assert.equal(after.live, false);
    const rebuilt = await render(after);
    assert.ok(
      rebuilt.some((l) => l.includes("junk")),
      "leaving the alternate screen restores the main one",
    );
  });

  it("snapshots vim", { skip: !has("vim") && "vim is not installed" }, async () => {
    writeFileSync(join(project, "notes.txt"), "first line of the file\nsecond line\n");
    const s = await launch({ argv: ["vim", "-u", "NONE", "-N", "notes.txt"], cols: 60, rows: 12 });
    const w = await watch(c, s.id);
    await w.sees("second line");
    await c.call("sessions.input", { session: s.id, data: "Goadded by a test\x1b" });
    await w.sees("added by a test");
    const lines = await render(await c.call("sessions.snapshot", { session: s.id }));
    assert.deepEqual(lines.slice(0, 3), ["first line of the file", "second line", "added by a test"]);
    assert.equal(lines[3], "~");
    await c.call("sessions.input", { session: s.id, data: ":q!\r" });
    assert.equal((await w.exit()).code, 0);
  });

  it("records a kill and the signal; the whole process group goes", async () => {
    const s = await launch({ argv: ["sh", "-c", "sleep 300 & echo child=$!; wait"], mode: "task" });
    const w = await watch(c, s.id);
    await w.until((x) => /child=\d+/.test(x.output()), "the background child's pid");
    const pid = Number(/child=(\d+)/.exec(w.output())![1]);
    const k = await c.call("sessions.kill", { session: s.id });
    assert.deepEqual([k.signal, k.pid], ["SIGTERM", s.process!.pid]);
    const exit = await w.exit();
    assert.deepEqual([exit.signal, exit.terminal_reason, exit.status], ["SIGTERM", "killed", "exited"]);
    await waitGone(pid); // the background sleep was in the group and got the signal
    await assert.rejects(c.call("sessions.kill", { session: s.id }), (e: any) => e.kind === "conflict");
    await assert.rejects(c.call("sessions.input", { session: s.id, data: "x" }), (e: any) => e.kind === "conflict");
  });

  it("keeps exit codes and signals", async () => {
    const a = await launch({ argv: ["sh", "-c", "exit 3"], mode: "task" });
    const b = await launch({ argv: ["sh", "-c", "kill -KILL $$"] });
    const [ea, eb] = await Promise.all([(await watch(c, a.id)).exit(), (await watch(c, b.id)).exit()]);
    assert.deepEqual([ea.code, ea.signal], [3, null]);
    assert.deepEqual([eb.code, eb.signal], [null, "SIGKILL"]);
    assert.equal((await c.call("sessions.get", { session: b.id })).state, "exited");
  });

  // Five at once: losing a PTY's last kilobytes was a race that showed in about one run in five.
  for (const [mode, run] of [
    ["pty", 1],
    ["pty", 2],
    ["pty", 3],
    ["pty", 4],
    ["pty", 5],
    ["task", 1],
  ] as const) {
    it(`loses nothing of 1 MB printed by a program that exits at once (${mode} #${run})`, async () => {
      const script = "process.stdout.write('x'.repeat(1 << 20) + 'END')";
      const s = await launch({ argv: [node, "-e", script], mode });
      const w = await watch(c, s.id);
      await w.exit();
      const out = w.output(mode === "pty" ? "pty" : "stdout");
      assert.equal(out.length, (1 << 20) + 3);
      assert.ok(out.endsWith("xEND"));
      // The same from the durable record, paged.
      let after = 0;
      let text = "";
      for (;;) {
        const page = await c.call("events.read", { session: s.id, after, limit: 1000 });
        if (page.events.length === 0) break;
        for (const e of page.events) if (e.kind === "output") text += e.data.text;
        after = page.events.at(-1)!.seq;
      }
      assert.equal(text, out);
      const exitIndex = w.events.findIndex((e) => e.kind === "exit");
      assert.equal(exitIndex, w.events.length - 1, "exit is the last event, after all output");
    });
  }

  it("records output bytes exact: a chunk that starts with a BOM, bytes that are not UTF-8", async () => {
    const bytes = (events: LedgerEvent[]) => Buffer.concat(events.filter((e) => e.kind === "output").map((e) => decodeBytes(e.data)));
    const want = Buffer.concat([Buffer.from("\ufeffBOM first\n"), Buffer.from([0xff, 0xfe, 0x00, 0x0a])]);
    const s = await launch({ argv: ["sh", "-c", "printf '\\357\\273\\277BOM first\\n'; sleep 0.2; printf '\\377\\376\\000\\n'"], mode: "task" });
    const w = await watch(c, s.id);
    await w.exit();
    assert.deepEqual(bytes(w.events), want, "live");
    const page = await c.call("events.read", { session: s.id, after: 0, limit: 100 });
    assert.deepEqual(bytes(page.events as LedgerEvent[]), want, "recorded");
    assert.ok(
      page.events.some((e) => e.kind === "output" && typeof e.data.b64 === "string"),
      "the bytes that are not UTF-8 are kept as base64",
    );
  });

  it("keeps a task's stdout and stderr apart, and closes its stdin on eof", async () => {
    const s = await launch({ argv: ["sh", "-c", "read line; echo out:$line; echo err:$line >&2; cat; echo done"], mode: "task" });
    const w = await watch(c, s.id);
    await c.call("sessions.input", { session: s.id, data: "hello\nrest\n", eof: true });
    const exit = await w.exit();
    assert.equal(exit.code, 0);
    assert.equal(w.output("stdout"), "out:hello\nrest\ndone\n");
    assert.equal(w.output("stderr"), "err:hello\n");
    await assert.rejects(c.call("sessions.resize", { session: s.id, cols: 10, rows: 10 }), (e: any) => e.kind === "conflict");
    await assert.rejects(c.call("sessions.snapshot", { session: s.id }), (e: any) => e.kind === "conflict");
  });

  it("sets WARDEN_SESSION_ID and WARDEN_SOCKET, and none of the daemon's own variables", async () => {
    const s = await launch({ argv: ["sh", "-c", "echo id=$WARDEN_SESSION_ID sock=$WARDEN_SOCKET home=${WARDEN_HOME:-unset}"], mode: "task" });
    const w = await watch(c, s.id);
    await w.exit();
    assert.equal(w.output("stdout"), `id=${s.id} sock=${join(home.runRoot, "agent.sock")} home=unset\n`);
  });

  it("archives a finished session: hidden from lists, history kept", async () => {
    const live = await launch({ argv: ["sleep", "300"] });
    await assert.rejects(c.call("sessions.archive", { session: live.id }), (e: any) => e.kind === "conflict");
    const listed = await c.call("sessions.list", { limit: 1000 });
    assert.equal(listed.sessions.find((x) => x.id === live.id)?.live, true);
    await c.call("sessions.kill", { session: live.id });
    await (await watch(c, live.id)).exit();
    const archived = await c.call("sessions.archive", { session: live.id });
    assert.equal(archived.archived, true);
    assert.equal(archived.live, false);
    assert.ok(!(await c.call("sessions.list", { limit: 1000 })).sessions.some((x) => x.id === live.id));
    assert.ok((await c.call("sessions.list", { limit: 1000, archived: true })).sessions.some((x) => x.id === live.id));
    const events = await c.call("events.read", { session: live.id });
    assert.deepEqual(
      events.events.map((e) => e.kind),
      ["launch", "exit", "archive"],
    );
    assert.equal((await c.call("sessions.archive", { session: live.id })).archived, true, "archiving twice is a no-op");
  });
});

describe("sessions that are not there or not runnable", () => {
  it("answers not_found for an unknown session, conflict for a log session or a stopped one", async () => {
    const nobody = "01a20000-0000-7000-8000-0000000000ff";
    const calls: Array<[string, Promise<unknown>]> = [
      ["input", c.call("sessions.input", { session: nobody, data: "x" })],
      ["resize", c.call("sessions.resize", { session: nobody, cols: 80, rows: 24 })],
      ["kill", c.call("sessions.kill", { session: nobody })],
      ["archive", c.call("sessions.archive", { session: nobody })],
      ["snapshot", c.call("sessions.snapshot", { session: nobody })],
      ["subscribe", c.call("events.subscribe", { session: nobody })],
    ];
    for (const [what, call] of calls) {
      await assert.rejects(call, (e: any) => {
        assert.equal(e.kind, "not_found", what);
        assert.equal(e.code, -32002, what);
        assert.equal(e.data.session, nobody, what);
        return true;
      });
    }
    const log = await c.call("sessions.open", { title: "a log" });
    for (const call of [
      c.call("sessions.archive", { session: log.id }),
      c.call("sessions.snapshot", { session: log.id }),
      c.call("sessions.input", { session: log.id, data: "x" }),
    ]) {
      await assert.rejects(call, (e: any) => e.kind === "conflict" && e.data.session === log.id);
    }
    await assert.rejects(c.call("sessions.kill", { session: log.id, signal: "SIGBOGUS" as never }), (e: any) => e.kind === "invalid_params");
  });
});

describe("launch policy", () => {
  const refuses = async (p: Record<string, unknown>, kind: string) => {
    const before = (await c.call("sessions.list", { limit: 1000, archived: true })).sessions.length;
    await assert.rejects(launch(p), (e: any) => {
      assert.equal(e.kind, kind, e.message);
      return true;
    });
    assert.equal((await c.call("sessions.list", { limit: 1000, archived: true })).sessions.length, before, "nothing was started or recorded");
  };

  it("refuses a cwd outside the project roots, also through a symlink", async () => {
    await refuses({ argv: ["true"], cwd: tmpdir() }, "policy_violation");
    const link = join(project, "escape");
    execFileSync("ln", ["-s", "/", link]);
    await refuses({ argv: ["true"], cwd: link }, "policy_violation");
    await refuses({ argv: ["true"], cwd: join(project, "..", "elsewhere") }, "not_found");
  });

  it("refuses a missing cwd, an unknown harness, a missing executable", async () => {
    await refuses({ argv: ["true"], cwd: join(project, "nope") }, "not_found");
    await refuses({ harness: "nonesuch" }, "not_found");
    await refuses({ argv: ["definitely-not-a-command-xyz"] }, "not_found");
    await refuses({ argv: ["./not-here.sh"] }, "not_found");
  });

  it("refuses bad params with invalid_params", async () => {
    await refuses({ argv: ["true"], cwd: "relative/dir" }, "invalid_params");
    await refuses({ argv: ["true"], harness: "shell" }, "invalid_params");
    await refuses({ argv: ["true"], env: { WARDEN_SOCKET: "/tmp/x" } }, "invalid_params");
    await refuses({ argv: ["true"], env: { "BAD NAME": "x" } }, "invalid_params");
    await refuses({ argv: ["true"], secrets: { TOKEN: "no-slash" } }, "invalid_params");
    await refuses({ argv: ["true"], cols: 0 }, "invalid_params");
  });

  it("refuses secrets from a vault that does not exist, starting nothing", async () => {
    await refuses({ argv: ["true"], secrets: { TOKEN: "nonesuch/TOKEN" } }, "not_found");
  });

  it("runs a configured harness with its argv, env and extra args; the built-in shell in a subdirectory", async () => {
    const h = await launch({ harness: "echoer", args: ["a", "b c"], mode: "task" });
    assert.equal(h.process!.harness, "echoer");
    assert.equal(h.title, "echoer");
    const hw = await watch(c, h.id);
    await hw.exit();
    assert.equal(hw.output("stdout"), "harness:hello a b c\n");
    mkdirSync(join(project, "sub"), { recursive: true });
    const s = await launch({ harness: "shell", cwd: join(project, "sub") });
    assert.equal(s.process!.harness, "shell");
    assert.equal(s.process!.cwd, join(project, "sub"));
    await c.call("sessions.kill", { session: s.id, signal: "SIGKILL" });
    await (await watch(c, s.id)).exit();
  });
});
