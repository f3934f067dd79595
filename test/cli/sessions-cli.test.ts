// The session commands as a user meets them, against a real daemon: launch, run (--wait with
// stdout and stderr apart and the exit status passed through), kill, archive, list, events
// --follow, tasks output, and attach on a real terminal (node-pty) with typing and Ctrl-\.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { spawn as ptySpawn } from "node-pty";
import { RpcClient } from "../../src/rpc/client.js";
import { hasScript, runCli, runOnTerminal, wardenBin } from "../helpers/cli.js";
import { useDaemon } from "../helpers/daemon.js";
import { pollUntil } from "../helpers/poll.js";

const project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
after(() => rmSync(project, { recursive: true, force: true }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("session commands", () => {
  const ctx = useDaemon({
    sessions: {
      projects: [project],
      harnesses: {
        bash: { argv: ["bash", "--norc", "--noprofile", "-i"], env: { PS1: "PROMPT> " } },
        cat: { argv: ["cat"] },
      },
    },
  });
  const cli = (args: string[], input?: string) => runCli(args, ctx.home.env, 30_000, input);
  // Setup and polling go straight to the socket (a CLI run costs a Node start); what is tested runs the CLI.
  let client: RpcClient | undefined;
  const rpc = async () => (client ??= await RpcClient.connect(ctx.daemon.socket));
  after(() => client?.close());
  const get = async (id: string) => (await rpc()).call("sessions.get", { session: id });
  const ended = (id: string) => pollUntil(async () => (await get(id)).state !== "running", { what: `session ${id} to end` });
  const killAndWait = async (id: string) => {
    await (await rpc()).call("sessions.kill", { session: id, signal: "SIGKILL" });
    await ended(id);
  };

  it("launch prints the new session's id; --json prints the session", async () => {
    const r = await cli(["launch", "cat", "--cwd", project, "--title", "a cat"]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, UUID);
    const s: any = await get(id);
    assert.equal(s.kind, "pty");
    assert.equal(s.title, "a cat");
    assert.equal(s.live, true);
    assert.equal(s.process.mode, "pty");
    assert.deepEqual(s.process.argv, ["cat"]);
    assert.equal(s.process.cwd, project);
    const human = await cli(["sessions", "get", id]);
    assert.match(human.stdout, /mode +pty \(harness cat\)/);
    assert.match(human.stdout, /pid +\d+ \(running\)/);

    const j = await cli(["launch", "cat", "--cwd", project, "--cols", "100", "--rows", "30", "--json", "--", "-u"]);
    assert.equal(j.code, 0, j.stderr);
    assert.equal(j.json().live, true);
    assert.deepEqual(j.json().process.argv, ["cat", "-u"]);
    await Promise.all([killAndWait(id), killAndWait(j.json().id)]);
  });

  it("launch refuses a cwd outside the project roots, and bad options, with the usual exit statuses", async () => {
    const [outside, harness, cols, secret] = await Promise.all([
      cli(["launch", "cat", "--cwd", "/", "--json"]),
      cli(["launch", "no-such-harness", "--cwd", project, "--json"]),
      cli(["launch", "cat", "--cwd", project, "--cols", "wide", "--json"]),
      cli(["run", "--cwd", project, "--secret", "nope", "--json", "--", "true"]),
    ]);
    assert.equal(outside.code, 1);
    assert.equal(outside.json().error.kind, "policy_violation");
    assert.equal(harness.code, 1);
    assert.equal(harness.json().error.kind, "not_found");
    assert.equal(cols.code, 2);
    assert.equal(cols.json().error.option, "--cols");
    assert.equal(secret.code, 2);
    assert.equal(secret.json().error.option, "--secret");
  });

  it("run --wait writes stdout and stderr apart and exits with the task's status", async () => {
    const r = await cli(["run", "--wait", "--cwd", project, "--", "sh", "-c", "echo a; echo b >&2; echo c; exit 3"]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "a\nc\n");
    assert.equal(r.stderr, "b\n");
    const signalled = await cli(["run", "--wait", "--cwd", project, "--", "sh", "-c", "kill -TERM $$"]);
    assert.equal(signalled.code, 128 + 15);
    const ok = await cli(["run", "--wait", "--cwd", project, "--", "true"]);
    assert.equal(ok.code, 0);
  });

  it("run --wait copies piped stdin to the task and closes it at the end", async () => {
    const r = await cli(["run", "--wait", "--cwd", project, "--", "sh", "-c", "tr a-z A-Z; echo end"], "hello\nworld\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "HELLO\nWORLD\nend\n");
  });

  it("run --wait --json prints only a summary with the exit", async () => {
    const r = await cli(["run", "--wait", "--json", "--cwd", project, "--", "sh", "-c", "echo out; exit 7"]);
    assert.equal(r.code, 7);
    const j = r.json();
    assert.match(j.session, UUID);
    assert.equal(j.status, 7);
    assert.equal(j.exit.code, 7);
  });

  it("run without --wait prints the id; tasks output prints its output as recorded", async () => {
    const r = await cli(["run", "--cwd", project, "--title", "two streams", "--", "sh", "-c", "printf 'out1\\n'; printf 'err1\\n' >&2; printf 'out2\\n'"]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, UUID);
    await ended(id);
    const s: any = await get(id);
    assert.equal(s.kind, "task");
    assert.equal(s.title, "two streams");
    assert.equal(s.process.mode, "task");
    assert.equal(s.process.exit.code, 0);
    const out = await cli(["tasks", "output", id]);
    assert.equal(out.code, 0);
    assert.equal(out.stdout, "out1\nout2\n");
    assert.equal(out.stderr, "err1\n");
    const j = (await cli(["tasks", "output", id, "--json"])).json();
    assert.equal(j.truncated, false);
    assert.equal(
      j.chunks
        .filter((c: any) => c.stream === "stdout")
        .map((c: any) => c.text)
        .join(""),
      "out1\nout2\n",
    );
    assert.equal(
      j.chunks
        .filter((c: any) => c.stream === "stderr")
        .map((c: any) => c.text)
        .join(""),
      "err1\n",
    );
  });

  it("tasks output keeps to the last 64 KiB or so unless --full", async () => {
    // 300 lines of 1000 bytes each, numbered, in separate writes (so in many output events).
    const script = "i=0; while [ $i -lt 300 ]; do printf '%04d%0995d\\n' $i 0; i=$((i+1)); done";
    const r = await cli(["run", "--wait", "--cwd", project, "--json", "--", "sh", "-c", script]);
    assert.equal(r.code, 0, r.stdout);
    const id = r.json().session;
    const full = await cli(["tasks", "output", id, "--full"]);
    assert.equal(full.stdout.length, 300_000);
    assert.ok(full.stdout.startsWith("0000"));
    const tail = await cli(["tasks", "output", id]);
    assert.ok(tail.stdout.length >= 64 * 1024 && tail.stdout.length < 300_000, `${tail.stdout.length} bytes`);
    assert.ok(full.stdout.endsWith(tail.stdout), "the tail is the end of the output");
    assert.equal(tail.stderr, "", "no note when stderr is not a terminal");
    assert.equal((await cli(["tasks", "output", id, "--json"])).json().truncated, true);

    // On a terminal, the note comes after the output (where it is seen) and names --full.
    if (!hasScript) return; // util-linux script makes the terminal
    const term = await runOnTerminal(["tasks", "output", id], ctx.home.env);
    assert.equal(term.code, 0, term.out.slice(-500));
    const lines = term.out.split(/\r?\n/).filter((l) => l !== "");
    assert.match(lines.at(-2)!, /^0299/, "the output's last line, then the note");
    assert.ok(lines.at(-1)!.includes("--full"), lines.at(-1));
    assert.ok(!lines[0]!.includes("--full"), "not before the output");
  });

  it("sessions kill ends a session; list shows it exited; archive hides it unless --all", async () => {
    const id = (await cli(["launch", "cat", "--cwd", project])).stdout.trim();
    const before = (await cli(["sessions", "list", "--json"])).json().sessions.find((s: any) => s.id === id);
    assert.equal(before.state, "running");
    assert.equal(before.live, true);
    assert.match((await cli(["sessions", "list"])).stdout, new RegExp(`${id}  running +live`));

    const running = await cli(["sessions", "archive", id, "--json"]);
    assert.equal(running.code, 1);
    assert.equal(running.json().error.kind, "conflict");

    const k = await cli(["sessions", "kill", id, "--json"]);
    assert.equal(k.code, 0, k.stdout);
    assert.equal(k.json().signal, "SIGHUP");
    await ended(id);
    const exited = (await cli(["sessions", "list", "--json"])).json().sessions.find((x: any) => x.id === id);
    assert.equal(exited.state, "exited");
    assert.equal(exited.live, false);
    assert.equal(exited.process.exit.signal, "SIGHUP");
    assert.equal(exited.process.exit.reason, "killed");
    assert.match((await cli(["sessions", "list"])).stdout, new RegExp(`${id}  exited SIGHUP +-`));

    const again = await cli(["sessions", "kill", id, "--json"]);
    assert.equal(again.code, 1);
    assert.equal(again.json().error.kind, "conflict");

    const a = await cli(["sessions", "archive", id, "--json"]);
    assert.equal(a.code, 0, a.stdout);
    assert.equal(a.json().archived, true);
    assert.ok(!(await cli(["sessions", "list", "--json"])).json().sessions.some((s: any) => s.id === id));
    const all = (await cli(["sessions", "list", "--all", "--json"])).json().sessions.find((s: any) => s.id === id);
    assert.equal(all.archived, true);
    assert.match((await cli(["sessions", "list", "--all"])).stdout, new RegExp(`${id}  exited SIGHUP .*\\[archived\\]`));
  });

  it("sessions kill --wait waits for the exit; a bad signal is a usage error", async () => {
    const id = (await cli(["launch", "cat", "--cwd", project])).stdout.trim();
    const bad = await cli(["sessions", "kill", id, "--signal", "SIGFOO", "--json"]);
    assert.equal(bad.code, 2);
    assert.equal(bad.json().error.option, "--signal");
    const k = await cli(["sessions", "kill", id, "--signal", "hup", "--wait", "--json"]);
    assert.equal(k.code, 0, k.stdout);
    assert.equal(k.json().exit.signal, "SIGHUP");
    assert.equal((await get(id)).state, "exited");
  });

  it("events --follow prints what is recorded, then live events, and ends at the exit", async () => {
    const id = (await cli(["run", "--cwd", project, "--", "sh", "-c", "echo started; exec sleep 300"])).stdout.trim();
    const follow = spawn(process.execPath, [wardenBin, "events", id, "--follow", "--json"], { env: ctx.home.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    follow.stdout.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((r) => follow.on("close", r));
    await pollUntil(() => out.includes("started"), { what: "the output event" });
    assert.equal((await cli(["sessions", "kill", id])).code, 0);
    assert.equal(await exited, 0);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((e) => e.seq),
      lines.map((_, i) => i + 1),
      "every event once, in order",
    );
    assert.equal(lines[0].kind, "launch");
    assert.equal(lines.at(-1).kind, "exit");
    assert.equal(lines.at(-1).data.terminal_reason, "killed");

    // An ended session: printed to its end (the archive after the exit included), then done.
    assert.equal((await cli(["sessions", "archive", id])).code, 0);
    const again = await cli(["events", id, "--follow"]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /exit .*\n.* archive /);
    const offline = await cli(["events", id, "--follow", "--no-daemon", "--json"]);
    assert.equal(offline.code, 2);
  });

  it("attach refuses without a terminal unless --read-only, and a task session", async () => {
    const id = (await cli(["launch", "cat", "--cwd", project])).stdout.trim();
    const noTty = await cli(["attach", id, "--json"]);
    assert.equal(noTty.code, 2);
    assert.equal(noTty.json().error.kind, "usage");
    const task = (await cli(["run", "--cwd", project, "--", "sleep", "300"])).stdout.trim();
    const t = await cli(["attach", task, "--read-only", "--json"]);
    assert.equal(t.code, 1);
    assert.equal(t.json().error.kind, "conflict");
    await Promise.all([killAndWait(id), killAndWait(task)]);
  });

  it("attach --read-only streams from a pipe; an exited session shows its last screen and exits 0", async () => {
    const id = (await cli(["launch", "bash", "--cwd", project])).stdout.trim();
    const watch = spawn(process.execPath, [wardenBin, "attach", id, "--read-only"], { env: ctx.home.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    watch.stdout.on("data", (d) => (out += d));
    watch.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((r) => watch.on("close", r));
    await pollUntil(() => out.includes("PROMPT> "), { what: "the prompt" });
    assert.equal((await cli(["sessions", "kill", id, "--signal", "HUP"])).code, 0);
    assert.equal(await exited, 0);
    const first = err.split("\n")[0]!;
    assert.ok(first.includes(`attached to ${id}`) && first.includes("read-only") && first.includes("Ctrl-\\"), `one status line first: ${first}`);
    assert.match(err, /\[session exited: signal SIGHUP \(killed\)\]/);

    const after = await cli(["attach", id, "--read-only"]);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /PROMPT> /);
    assert.match(after.stderr, /has already exited: signal SIGHUP/);
  });

  it("attach on a terminal: draws the screen, types, resizes, detaches on Ctrl-\\ and ends with the session", async () => {
    const id = (await cli(["launch", "bash", "--cwd", project, "--cols", "80", "--rows", "24"])).stdout.trim();
    const resizes = async () =>
      (await (await rpc()).call("events.read", { session: id })).events.filter((e) => e.kind === "resize").map((e) => e.data as { cols: number; rows: number });
    const attach = (...flags: string[]) => {
      const term = ptySpawn(process.execPath, [wardenBin, "attach", id, ...flags], {
        env: ctx.home.env as Record<string, string>,
        cols: 120,
        rows: 40,
        name: "xterm-256color",
      });
      let out = "";
      term.onData((d) => (out += d));
      const exited = new Promise<number>((r) => term.onExit((e) => r(e.exitCode)));
      return { term, exited, out: () => out };
    };

    const a = attach();
    await pollUntil(() => a.out().includes("PROMPT> "), { what: "the snapshot's prompt" });
    assert.ok(a.out().includes(`attached to ${id}, Ctrl-\\ detaches`), "a status line says how to detach");
    a.term.write("echo $((6*7))zz\r");
    await pollUntil(() => a.out().includes("42zz"), { what: "the command's output" });
    a.term.resize(100, 30); // SIGWINCH for attach: the session follows
    await pollUntil(async () => (await resizes()).some((d) => d.cols === 100 && d.rows === 30), { what: "the new size" });
    a.term.write("\x1c");
    assert.equal(await a.exited, 0);
    assert.match(a.out(), /\[detached from session/);
    const s = await get(id);
    assert.equal(s.live, true, "detaching leaves the session running");
    assert.deepEqual(
      await resizes(),
      [
        { cols: 120, rows: 40 },
        { cols: 100, rows: 30 },
      ],
      "resized to the attaching terminal, then with its window",
    );

    // Read-only: keys are not typed into the session, nothing is resized, Ctrl-C detaches.
    const inputs = async () => (await (await rpc()).call("events.read", { session: id })).events.filter((e) => e.kind === "input").length;
    const typed = await inputs();
    const ro = attach("--read-only");
    await pollUntil(() => ro.out().includes("42zz"), { what: "the snapshot" });
    ro.term.write("echo nope\r");
    ro.term.write("\x03");
    assert.equal(await ro.exited, 0);
    assert.equal(await inputs(), typed, "nothing typed while read-only");
    assert.equal((await resizes()).length, 2, "no resize while read-only");

    // Attached again: the screen comes back (with the earlier command on it); exit ends attach.
    const b = attach();
    await pollUntil(() => b.out().includes("42zz"), { what: "the earlier output on the snapshot" });
    b.term.write("exit 5\r");
    assert.equal(await b.exited, 0);
    assert.match(b.out(), /\[session exited: code 5\]/);
    assert.equal((await get(id)).process?.exit?.code, 5);
  });
});
