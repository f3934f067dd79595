// The command line as a user meets it: help, version, usage errors, and the fast path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { useDaemon } from "../helpers/daemon.js";

describe("warden CLI", () => {
  const ctx = useDaemon();

  it("lists every command in --help, without colour when not on a terminal", async () => {
    const r = await runCli(["--help"], ctx.home.env);
    assert.equal(r.code, 0);
    for (const c of ["ping", "health", "daemon start", "daemon stop", "daemon run", "daemon restart", "daemon status", "daemon doctor"]) {
      assert.ok(r.stdout.includes(`warden ${c}`), c);
    }
    assert.ok(!r.stdout.includes("\u001b["), "no ANSI escapes in piped output");
  });

  it("prints its version", async () => {
    const r = await runCli(["--version"], ctx.home.env);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  it("rejects an unknown command or flag with exit status 2", async () => {
    const unknown = await runCli(["frobnicate"], ctx.home.env);
    assert.equal(unknown.code, 2);
    assert.ok(unknown.stderr.includes("frobnicate"), "names what was typed");
    const bad = await runCli(["ping", "--loud"], ctx.home.env);
    assert.equal(bad.code, 2);
    assert.ok(bad.stderr.includes("--loud"), "names the flag");
  });

  it("rejects a malformed duration with kind usage and exit status 2, before doing anything", async () => {
    const r = await runCli(["daemon", "stop", "--timeout", "soon", "--json"], ctx.home.env);
    assert.equal(r.code, 2);
    assert.equal(r.json().error.kind, "usage");
    assert.equal(r.json().error.option, "--timeout");
    assert.equal((await runCli(["ping"], ctx.home.env)).code, 0, "the daemon was not stopped");
  });

  it("shows per-command help through clipanion even for fast-path commands", async () => {
    const r = await runCli(["ping", "--help"], ctx.home.env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Check that the daemon answers/);
  });

  it("answers ping through the fast path in text and JSON", async () => {
    const text = await runCli(["ping"], ctx.home.env);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^pong from .* in [\d.]+ ms/);
    const json = await runCli(["ping", "--json"], ctx.home.env);
    assert.equal(json.json().pong, true);
    assert.equal(json.json().socket, ctx.home.socket);
  });

  it("honours WARDEN_SOCKET", async () => {
    const r = await runCli(["ping", "--json"], { ...ctx.home.env, WARDEN_HOME: "/nonexistent", WARDEN_SOCKET: ctx.daemon.socket });
    assert.equal(r.code, 0);
    assert.equal(r.json().socket, ctx.daemon.socket);
  });
});
