// The Codex importer over its fixture transcripts (test/fixtures/transcripts/codex/).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { codex } from "../../src/sync/importers/index.js";
import { CODEX_NEW, CODEX_OLD, fold, load, REL, tokens } from "./importer-runs.js";

describe("Codex importer", () => {
  it("folds a current-format rollout: kinds, order, tool calls and outputs", () => {
    const r = load(codex, REL.codexNew);
    assert.deepEqual(
      r.events.map((e) => [e.seq, e.kind]),
      [
        [1, "user"],
        [2, "reasoning"],
        [3, "tool_call"],
        [4, "tool_result"],
        [5, "token_usage"],
        [6, "tool_call"],
        [7, "tool_result"],
        [8, "tool_call"],
        [9, "tool_call"],
        [10, "tool_result"],
        [11, "token_usage"],
        [12, "assistant"],
        [13, "system"],
        [14, "token_usage"],
        [15, "user"],
      ],
    );
    const e = (seq: number) => r.events[seq - 1]!;
    assert.equal(e(1).text, "Add a /healthz endpoint that reports DB connectivity");
    assert.deepEqual(e(2).data, { text: "**Inspecting routes**" });
    assert.deepEqual(e(3).data, { name: "shell", input: { command: ["bash", "-lc", "rg -n healthz src"], workdir: "/home/u/api" }, callId: "call_A1" });
    assert.deepEqual(e(4).data, { callId: "call_A1", output: "", isError: true, exitCode: 1 });
    assert.equal(e(6).data.name, "apply_patch");
    assert.ok(String(e(6).data.input).startsWith("*** Begin Patch"));
    assert.deepEqual(e(7).data, { callId: "call_B2", output: "Success. Updated the following files:\nA src/health.ts\n", isError: false, exitCode: 0 });
    assert.equal(e(8).text, "web_search express healthz endpoint database ping");
    assert.equal(e(9).text, "local_shell npm test");
    assert.equal(e(9).data.callId, "call_C3");
    assert.deepEqual(e(10).data, { callId: "call_C3", output: "Exit code: 0\nWall time: 3.2 seconds\nOutput:\n12 passing", isError: false });
    assert.equal(e(12).text, "Added GET /healthz, which pings the database and returns 503 when it is down.");
    assert.deepEqual(e(13).data, { text: "Summary: the user asked for /healthz; src/health.ts was added and tests pass.", compacted: true });
    assert.equal(e(15).text, "thanks, ship it");
    assert.equal(e(15).ts, "2025-10-29T01:10:08.000Z", "no timestamp: the last one seen");
    const all = JSON.stringify(r.events);
    for (const gone of ["environment_context", "user_instructions", "permissions instructions", "gAAAA"]) assert.equal(all.includes(gone), false, gone);
  });

  it("turns cumulative token_count totals into deltas; repeats emit nothing; a drop is a reset", () => {
    const r = load(codex, REL.codexNew);
    const usage = r.events.filter((e) => e.kind === "token_usage").map((e) => e.data);
    assert.deepEqual(usage, [
      { ...tokens(2000, 136, 3000, 0, 64), model: "gpt-5-codex", contextWindow: 272000 },
      { ...tokens(1000, 322, 6000, 0, 128), model: "gpt-5-codex", contextWindow: 272000 },
      { ...tokens(3000, 100, 0, 0, 0), model: "gpt-5-codex", contextWindow: 272000, reset: true },
    ]);
    assert.deepEqual(r.session.tokens, tokens(6000, 558, 9000, 0, 192));
  });

  it("builds the session from session_meta and turn_context", () => {
    const r = load(codex, REL.codexNew);
    assert.deepEqual(r.session, {
      id: `codex-${CODEX_NEW}`,
      source: "codex",
      title: "Add a /healthz endpoint that reports DB connectivity",
      cwd: "/home/u/api",
      model: "gpt-5.1-codex",
      startedAt: "2025-10-29T00:59:38.317Z",
      updatedAt: "2025-10-29T01:11:00.000Z",
      parent: null,
      meta: {
        codexSessionId: CODEX_NEW,
        originator: "codex_cli_rs",
        cliVersion: "0.46.0",
        modelProvider: "openai",
        origin: "cli",
        gitBranch: "main",
        gitCommit: "4be1c0ffee",
        gitRepository: "git@github.com:u/api.git",
        approvalPolicy: "never",
        sandboxMode: "danger-full-access",
      },
      tokens: tokens(6000, 558, 9000, 0, 192),
    });
    // Injected user/developer context (3), duplicate event_msgs (3), info-less and repeated
    // token_counts (2), patch/task/compaction bookkeeping (3); three of unknown type or shape.
    assert.deepEqual(fold(r), { ...fold(r), skipped: 14, unknown: 3 });
  });

  it("reads the older format: bare items, record_type state lines, JSON-wrapped outputs", () => {
    const r = load(codex, REL.codexOld);
    assert.deepEqual(
      r.events.map((e) => [e.seq, e.kind, e.ts]),
      [
        [1, "user", "2025-08-14T10:11:12.345Z"],
        [2, "reasoning", "2025-08-14T10:11:12.345Z"],
        [3, "tool_call", "2025-08-14T10:11:12.345Z"],
        [4, "tool_result", "2025-08-14T10:11:12.345Z"],
        [5, "assistant", "2025-08-14T10:11:12.345Z"],
      ],
    );
    assert.deepEqual(r.events[2]!.data, { name: "shell", input: { command: ["bash", "-lc", "grep -rn onSubmit src/"] }, callId: "call_old1" });
    assert.deepEqual(r.events[3]!.data, {
      callId: "call_old1",
      output: "src/Login.tsx:14: <form onSubmit={submit}>\nsrc/Login.tsx:22: <button onClick={submit}>\n",
      isError: false,
      exitCode: 0,
    });
    assert.equal(r.session.title, "Why does the login form submit twice?");
    assert.equal(r.session.cwd, "/home/u/web", "from the injected environment_context");
    assert.equal(r.session.model, null);
    assert.deepEqual(r.session.meta, {
      codexSessionId: CODEX_OLD,
      gitBranch: "feature/login",
      gitCommit: "9a8b7c6d",
      gitRepository: "git@github.com:u/web.git",
    });
    assert.equal(JSON.stringify(r.session).includes("AGENTS.md"), false, "instructions are not kept");
    assert.deepEqual(fold(r), { ...fold(r), skipped: 5, unknown: 0 });
  });

  it("reads a sub-agent rollout: parent, thread name title, images as placeholders, output shapes", () => {
    const r = load(codex, REL.codexSub);
    assert.equal(r.session.parent, `codex-${CODEX_NEW}`);
    assert.equal(r.session.title, "Review healthz handler");
    assert.equal(r.session.model, "gpt-5.1-codex-mini");
    assert.equal(r.session.meta.sandboxMode, "read-only");
    assert.equal(r.session.meta.origin, "subagent");
    assert.deepEqual(
      r.events.map((e) => e.kind),
      ["user", "tool_call", "tool_result", "tool_result", "system", "token_usage"],
    );
    assert.equal(r.events[0]!.text, "Review the healthz handler against this screenshot\n\n[image]");
    assert.equal(r.events[1]!.data.input, "not json {");
    assert.equal(r.events[2]!.text, "attached screenshot\n[image]");
    assert.deepEqual(r.events[3]!.data, { callId: "call_V2", output: "sandbox denied write", isError: true });
    assert.deepEqual(r.events[4]!.data, { text: "stream disconnected before completion", error: true });
    assert.deepEqual(r.session.tokens, tokens(800, 40, 0, 0, 10));
    assert.equal(JSON.stringify(r).includes("base64"), false);
    assert.equal(JSON.stringify(r).includes("code reviewer"), false, "base instructions are not kept");
  });
});
