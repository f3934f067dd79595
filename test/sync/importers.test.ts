// Transcript importers (Claude Code, Codex): fixtures under test/fixtures/transcripts/ written from
// the public descriptions of both formats; multi-megabyte lines are generated here.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { packageRoot } from "../../src/platform/package-info.js";
import { IMPORTERS, ImporterStateError, claudeCode, codex, importerFor } from "../../src/sync/importers/index.js";
import type { ImporterKind, TranscriptEvent, TranscriptSession } from "../../src/sync/importers/types.js";

const FIXTURES = join(packageRoot(), "test", "fixtures", "transcripts");
const MAIN = "3f2b8c1e-5a4d-4e7b-9c1a-2b3c4d5e6f70";
const CODEX_NEW = "019a2d7a-41c4-78b1-b7cc-a45d62a89cd5";
const CODEX_OLD = "5973b6c0-94b8-487b-a530-2aeb6098ae0e";
const CODEX_SUB = "019a4b5c-6d7e-7f80-9a1b-2c3d4e5f6a7b";
const REL = {
  main: `-home-u-proj/${MAIN}.jsonl`,
  sub: `-home-u-proj/${MAIN}/subagents/agent-a1b2c3d.jsonl`,
  oldAgent: "-home-u-proj/agent-9f8e7d6c.jsonl",
  other: "-home-u-other/7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f.jsonl",
  named: "-home-u-other/0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e.jsonl",
  codexNew: `2025/10/29/rollout-2025-10-29T00-59-38-${CODEX_NEW}.jsonl`,
  codexOld: `2025/08/14/rollout-2025-08-14T10-11-12-${CODEX_OLD}.jsonl`,
  codexSub: `2025/11/02/rollout-2025-11-02T08-00-00-${CODEX_SUB}.jsonl`,
};

interface Run {
  events: TranscriptEvent[];
  session: TranscriptSession;
  state: Record<string, unknown>;
}

function records(kind: ImporterKind, rel: string): unknown[] {
  const text = readFileSync(join(FIXTURES, kind.source, rel), "utf8");
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** Imports `recs` in one go, or in two parts with a JSON round-trip of the state at `splitAt`. */
function run(kind: ImporterKind, rel: string, recs: unknown[], splitAt?: number): Run {
  const id = kind.sessionIdFor(rel);
  let imp = kind.open(id, rel);
  const events: TranscriptEvent[] = [];
  recs.forEach((r, i) => {
    if (i === splitAt) imp = kind.open(id, rel, JSON.parse(JSON.stringify(imp.state())));
    events.push(...imp.push(JSON.parse(JSON.stringify(r)), i + 1));
  });
  return { events, session: imp.session(), state: JSON.parse(JSON.stringify(imp.state())) as Record<string, unknown> };
}

function load(kind: ImporterKind, rel: string): Run {
  return run(kind, rel, records(kind, rel));
}

/** The events as the engine keeps them: a replacement (same seq) wins. */
function applied(events: TranscriptEvent[]): TranscriptEvent[] {
  const bySeq = new Map<number, TranscriptEvent>();
  for (const e of events) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function fold(r: Run): { skipped: number; unknown: number } {
  return r.state.fold as { skipped: number; unknown: number };
}

function tokens(input: number, output: number, cacheRead: number, cacheWrite: number, reasoning = 0) {
  return { input, output, cacheRead, cacheWrite, reasoning };
}

describe("session ids from paths", () => {
  it("names Claude Code sessions, subagents and older agent files", () => {
    assert.equal(claudeCode.sessionIdFor(REL.main), `claude-${MAIN}`);
    assert.equal(claudeCode.sessionIdFor(REL.sub), `claude-${MAIN}.agent-a1b2c3d`);
    assert.equal(claudeCode.sessionIdFor(REL.oldAgent), "claude-agent-9f8e7d6c");
    assert.ok(claudeCode.matches(REL.main) && claudeCode.matches(REL.sub) && claudeCode.matches(REL.oldAgent));
    assert.equal(claudeCode.matches("-home-u-proj/notes.txt"), false);
    assert.equal(claudeCode.matches("../etc/x.jsonl"), false);
    assert.equal(claudeCode.matches("/abs/x.jsonl"), false);
  });

  it("names Codex rollouts by their uuid", () => {
    assert.equal(codex.sessionIdFor(REL.codexNew), `codex-${CODEX_NEW}`);
    assert.equal(codex.sessionIdFor(REL.codexOld), `codex-${CODEX_OLD}`);
    assert.ok(codex.matches(REL.codexNew));
    assert.equal(codex.matches("2025/10/29/history.jsonl"), false);
    assert.equal(codex.matches("2025/10/29/rollout-x.json"), false);
  });

  it("falls back to a sanitized stem plus a hash of the path, always valid and within 128 chars", () => {
    const re = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
    const odd = [
      "-home-u-proj/my notes (1).jsonl",
      `-p/${"x".repeat(300)}.jsonl`,
      "a/b/c/d/e.jsonl",
      "-p/not-a-uuid/subagents/agent-1.jsonl",
      "ünïcode/ß.jsonl",
      "x.jsonl",
    ];
    for (const rel of odd) {
      const id = claudeCode.sessionIdFor(rel);
      assert.match(id, re, rel);
      assert.ok(id.startsWith("claude-"));
    }
    assert.equal(claudeCode.sessionIdFor("-home-u-proj/my notes (1).jsonl").slice(0, -9), "claude-my_notes_1_");
    assert.notEqual(claudeCode.sessionIdFor("a/same.jsonl"), claudeCode.sessionIdFor("b/same.jsonl"));
    for (const rel of ["2025/01/01/rollout-2025-01-01T00-00-00.jsonl", `2025/01/01/rollout-${"y".repeat(400)}.jsonl`]) {
      const id = codex.sessionIdFor(rel);
      assert.match(id, re);
      assert.ok(id.startsWith("codex-rollout-"));
    }
    assert.equal(claudeCode.sessionIdFor(`-p/${MAIN}/subagents/agent-${"z".repeat(96)}.jsonl`).length <= 128, true);
  });

  it("lists both importers", () => {
    assert.deepEqual(
      IMPORTERS.map((k) => k.source),
      ["claude-code", "codex"],
    );
    assert.equal(importerFor("codex"), codex);
    assert.equal(importerFor("claude-code"), claudeCode);
  });
});

describe("Claude Code importer", () => {
  it("folds the main session: kinds, order, seqs and text", () => {
    const r = load(claudeCode, REL.main);
    const final = applied(r.events);
    assert.deepEqual(
      final.map((e) => e.seq),
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      final.map((e) => e.kind),
      [
        "user",
        "system",
        "user",
        "reasoning",
        "token_usage",
        "assistant",
        "tool_call",
        "tool_result",
        "assistant",
        "tool_call",
        "token_usage",
        "tool_result",
        "user",
        "assistant",
        "tool_call",
        "token_usage",
        "tool_result",
        "system",
        "system",
        "system",
        "assistant",
        "token_usage",
        "assistant",
      ],
    );
    const at = (seq: number) => final[seq - 1]!;
    assert.deepEqual(at(1).data, { text: "/model opus", command: "/model", args: "opus" });
    assert.equal(at(2).text, "Set model to opus (claude-opus-4-1-20250805)");
    assert.equal(at(3).text, "The retry test in src/http/client.test.ts is flaky.\nCan you find out why and fix it?");
    assert.equal(at(4).text, "The test probably races a real timer against the retry backoff.");
    assert.equal(at(6).text, "Let me look at the test first.");
    assert.deepEqual(at(7).data, { name: "Read", input: { file_path: "/home/u/proj/src/http/client.test.ts" }, callId: "toolu_01READ" });
    assert.equal(at(7).text, 'Read {"file_path":"/home/u/proj/src/http/client.test.ts"}');
    assert.deepEqual(at(8).data, {
      callId: "toolu_01READ",
      output: "     1→import { retry } from './client.js';\n     2→test('retries', async () => { await sleep(100); });",
      isError: false,
    });
    assert.deepEqual(at(12).data, { callId: "toolu_02BASH", output: "FAIL src/http/client.test.ts\n  retries: timed out after 5000 ms", isError: true });
    assert.equal(at(13).text, "Here is the failing CI run\n\n[image]");
    assert.equal(at(17).text, "The file /home/u/proj/src/http/client.test.ts has been updated.\n[image]");
    assert.deepEqual(at(18).data, { text: "Conversation compacted", subtype: "compact_boundary", level: "info" });
    assert.equal(at(19).data.compactSummary, true);
    assert.deepEqual(at(20).data, { text: "[Request interrupted by user]", interrupted: true });
    assert.equal(at(23).text, 'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}');
    assert.equal(at(3).ts, "2025-10-01T09:00:05.000Z");
    // A record without a timestamp takes the last one seen.
    assert.equal(at(21).ts, "2025-10-01T09:05:33.000Z");
    assert.equal(JSON.stringify(r.events).includes("iVBOR"), false, "no image bytes");
    assert.equal(JSON.stringify(r.events).includes("system-reminder"), false);
  });

  it("deduplicates streaming chunks: blocks once, usage replaced under its first seq", () => {
    const r = load(claudeCode, REL.main);
    // 23 events plus two replacements (the final chunks' usage for msg_01AAA and msg_01BBB).
    assert.equal(r.events.length, 25);
    const usage5 = r.events.filter((e) => e.seq === 5);
    assert.equal(usage5.length, 2);
    assert.deepEqual(
      usage5.map((e) => e.data.output),
      [8, 95],
    );
    assert.deepEqual(usage5[1]!.data, { ...tokens(10, 95, 15000, 2000), model: "claude-opus-4-1-20250805", messageId: "msg_01AAA" });
    assert.equal(usage5[1]!.ts, "2025-10-01T09:00:07.000Z", "a replacement keeps the first chunk's ts");
    const usage11 = r.events.filter((e) => e.seq === 11);
    assert.deepEqual(
      usage11.map((e) => e.data.output),
      [40, 61],
    );
    // The identical repeated line (a-0003) and the repeated text+tool_use of msg_01BBB added nothing.
    assert.equal(r.events.filter((e) => e.kind === "tool_call").length, 3);
    assert.equal(r.events.filter((e) => e.text === "The test sleeps on a real timer. Running it to confirm:").length, 1);
    // Totals count each (message.id, requestId) once, with the final chunk's usage.
    assert.deepEqual(r.session.tokens, tokens(10 + 4 + 6 + 3, 95 + 61 + 150 + 12, 15000 + 17000 + 18000 + 18500, 2000 + 300 + 500));
  });

  it("builds the session: title from the last summary, cwd, model, meta, skipped counts", () => {
    const r = load(claudeCode, REL.main);
    assert.deepEqual(r.session, {
      id: `claude-${MAIN}`,
      source: "claude-code",
      title: "Fix flaky retry test in HTTP client",
      cwd: "/home/u/proj",
      model: "claude-opus-4-1-20250805", // "<synthetic>" does not count
      startedAt: "2025-10-01T09:00:00.000Z",
      updatedAt: "2025-10-01T09:06:00.000Z",
      parent: null,
      meta: { version: "2.0.14", gitBranch: "fix/retry", claudeSessionId: MAIN },
      tokens: r.session.tokens,
    });
    // file-history-snapshot and isMeta skipped by policy; three records of unknown type or shape.
    assert.deepEqual(fold(r), { ...fold(r), skipped: 5, unknown: 3 });
  });

  it("imports a subagent transcript with its parent; a changed tool_use replaces its event", () => {
    const r = load(claudeCode, REL.sub);
    assert.equal(r.session.id, `claude-${MAIN}.agent-a1b2c3d`);
    assert.equal(r.session.parent, `claude-${MAIN}`);
    assert.equal(r.session.title, "Search the codebase for retry helpers and report their signatures.");
    assert.equal(r.session.model, "claude-haiku-4-5-20251001");
    assert.deepEqual(r.session.meta, { version: "2.0.14", gitBranch: "fix/retry", claudeSessionId: MAIN, agentId: "a1b2c3d", sidechain: true });
    assert.deepEqual(
      r.events.map((e) => [e.seq, e.kind]),
      [
        [1, "user"],
        [2, "tool_call"],
        [3, "token_usage"],
        [2, "tool_call"],
        [3, "token_usage"],
        [4, "tool_result"],
        [5, "assistant"],
        [6, "token_usage"],
      ],
    );
    const final = applied(r.events);
    assert.deepEqual(final[1]!.data.input, { pattern: "export function retry", path: "src", output_mode: "content" });
    assert.equal(final[1]!.ts, "2025-10-01T09:00:21.000Z");
    assert.deepEqual(r.session.tokens, tokens(8, 69, 8800, 800));
  });

  it("takes an older agent file's parent from its records' sessionId", () => {
    const r = load(claudeCode, REL.oldAgent);
    assert.equal(r.session.id, "claude-agent-9f8e7d6c");
    assert.equal(r.session.parent, `claude-${MAIN}`);
    assert.equal(r.session.cwd, "/home/u/proj/src");
    assert.equal(r.session.title, "Warmup");
    assert.equal(r.session.model, "claude-sonnet-4-20250514");
    assert.deepEqual(r.session.tokens, tokens(4, 6, 0, 0));
  });

  it("titles: the first user line cut to 120 chars without a summary; a custom title beats a summary", () => {
    const other = load(claudeCode, REL.other);
    const first =
      "Please migrate every SQL query in the reporting module from the legacy string-concatenation helper to parameterized statements and add tests.";
    assert.equal(other.session.title, `${first.slice(0, 119)}…`);
    assert.equal(other.session.title?.length, 120);
    assert.deepEqual(
      other.events.map((e) => e.kind),
      ["user", "assistant", "token_usage"],
    );
    assert.deepEqual(other.session.tokens, tokens(12, 20, 0, 6000));
    const named = load(claudeCode, REL.named);
    assert.equal(named.session.title, "Release checklist");
    assert.equal("gitBranch" in named.session.meta, false, "an empty gitBranch is not kept");
  });
});

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

describe("resume equivalence", () => {
  const cases: [ImporterKind, string][] = [
    ...Object.entries(REL)
      .filter(([k]) => !k.startsWith("codex"))
      .map(([, rel]) => [claudeCode, rel] as [ImporterKind, string]),
    [codex, REL.codexNew],
    [codex, REL.codexOld],
    [codex, REL.codexSub],
  ];

  it("covers every fixture file", () => {
    const onDisk = (source: string) => (readdirSync(join(FIXTURES, source), { recursive: true }) as string[]).filter((f) => f.endsWith(".jsonl")).sort();
    assert.deepEqual(
      onDisk("claude-code"),
      cases
        .filter(([k]) => k === claudeCode)
        .map(([, r]) => r)
        .sort(),
    );
    assert.deepEqual(
      onDisk("codex"),
      cases
        .filter(([k]) => k === codex)
        .map(([, r]) => r)
        .sort(),
    );
  });

  for (const [kind, rel] of cases) {
    it(`gives the same events and session at every split point: ${kind.source} ${rel}`, () => {
      const recs = records(kind, rel);
      const whole = run(kind, rel, recs);
      for (let k = 0; k <= recs.length; k++) {
        const parts = run(kind, rel, recs, k);
        assert.deepEqual(parts.events, whole.events, `split at ${k}`);
        assert.deepEqual(parts.session, whole.session, `split at ${k}`);
        assert.deepEqual(parts.state, whole.state, `split at ${k}`);
      }
    });
  }
});

describe("robustness", () => {
  it("handles multi-megabyte lines and keeps image bytes out", () => {
    const big = "x".repeat(5 * 1024 * 1024);
    const b64 = "A".repeat(3 * 1024 * 1024);
    const base = { sessionId: MAIN, cwd: "/p", timestamp: "2025-10-01T10:00:00.000Z" };
    const recs = [
      {
        ...base,
        type: "assistant",
        uuid: "1",
        requestId: "r1",
        message: {
          id: "m1",
          model: "claude-opus-4-1-20250805",
          content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "cat big.log" } }],
          usage: { input_tokens: 1, output_tokens: 2 },
        },
      },
      {
        ...base,
        type: "user",
        uuid: "2",
        message: { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: big }] },
        toolUseResult: { stdout: big },
      },
      {
        ...base,
        type: "user",
        uuid: "3",
        message: {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: b64 } },
            { type: "text", text: "see" },
          ],
        },
      },
    ].map((r) => JSON.parse(JSON.stringify(r)) as unknown);
    const r = run(claudeCode, "-p/00000000-0000-4000-8000-000000000000.jsonl", recs);
    assert.equal(r.events[2]!.text.length, big.length);
    assert.equal(r.events[3]!.text, "[image]\n\nsee");
    assert.ok(JSON.stringify(r.state).length < 4096);
    const out = JSON.stringify({ output: big, metadata: { exit_code: 0 } });
    const cx = run(codex, REL.codexNew, [
      { timestamp: "2025-10-29T00:00:00.000Z", type: "response_item", payload: { type: "function_call_output", call_id: "c", output: out } },
      {
        timestamp: "2025-10-29T00:00:01.000Z",
        type: "response_item",
        payload: {
          type: "message",
          role: "user",
          content: [
            { type: "input_image", image_url: `data:image/png;base64,${b64}` },
            { type: "input_text", text: "what is this" },
          ],
        },
      },
    ]);
    assert.equal(cx.events[0]!.text.length, big.length);
    assert.equal(cx.events[1]!.text, "[image]\n\nwhat is this");
    assert.equal(cx.events[1]!.text.includes("AAAA"), false);
  });

  it("keeps the dedup window bounded", () => {
    const imp = claudeCode.open("claude-x", "-p/x.jsonl");
    for (let i = 0; i < 1000; i++) {
      imp.push(
        {
          type: "assistant",
          timestamp: "2025-10-01T10:00:00.000Z",
          requestId: `r${i}`,
          message: { id: `m${i}`, content: [{ type: "text", text: `t${i}` }], usage: { input_tokens: 1, output_tokens: 1 } },
        },
        i + 1,
      );
    }
    const state = imp.state() as { pairs: unknown[] };
    assert.equal(state.pairs.length, 256);
    assert.ok(JSON.stringify(state).length < 64 * 1024);
    assert.equal(imp.session().tokens.input, 1000);
  });

  it("never throws on odd records; counts them as unknown", () => {
    const odd: unknown[] = [
      null,
      1,
      "s",
      [],
      {},
      { type: 5 },
      { type: "user" },
      { type: "user", message: { content: [null, 1, { type: "tool_result", content: { weird: true } }] } },
      { type: "assistant", message: { content: [{ type: "tool_use" }, { type: "thinking" }, { type: "redacted_thinking", data: "x" }], usage: "x" } },
      { type: "assistant", message: { content: "plain string reply", usage: { input_tokens: -5, output_tokens: "9" } } },
      { type: "summary" },
      { type: "system" },
      { type: "user", timestamp: "not a date", message: { content: "hello" } },
      { type: "event_msg", payload: { type: "token_count", info: { total_token_usage: "x" } } },
      { type: "session_meta", payload: null },
      { type: "turn_context", payload: [] },
      { type: "compacted", payload: {} },
      { type: "response_item", payload: { type: "function_call_output", output: 7 } },
      { type: "response_item", payload: { type: "message", role: "tool", content: [] } },
      { type: "event_msg", payload: { type: "thread_name_updated" } },
    ];
    for (const kind of [claudeCode, codex]) {
      const imp = kind.open("s-1", "x/rollout-y.jsonl");
      for (const [i, rec] of odd.entries()) assert.doesNotThrow(() => imp.push(rec, i + 1));
      const s = imp.session();
      assert.equal(s.startedAt, null, "an unparseable timestamp is not a timestamp");
      const f = (imp.state() as { fold: { skipped: number; unknown: number } }).fold;
      assert.ok(f.unknown >= 10 && f.unknown <= f.skipped, `${kind.source}: ${JSON.stringify(f)}`);
      JSON.parse(JSON.stringify(imp.state()));
    }
  });

  it("refuses a state it did not write", () => {
    for (const kind of [claudeCode, codex]) {
      for (const bad of [null, 3, {}, { v: 2 }, { v: 1, pairs: [], fold: { nextSeq: "1" } }]) {
        assert.throws(() => kind.open("s-1", "a/rollout-b.jsonl", bad), ImporterStateError);
      }
    }
  });
});
