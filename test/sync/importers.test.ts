// Transcript importers (Claude Code, Codex): fixtures under test/fixtures/transcripts/ written from
// the public descriptions of both formats; multi-megabyte lines are generated here.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { IMPORTERS, ImporterStateError, claudeCode, codex, importerFor } from "../../src/sync/importers/index.js";
import type { ImporterKind } from "../../src/sync/importers/types.js";
import { CODEX_NEW, CODEX_OLD, FIXTURES, MAIN, REL, records, run } from "./importer-runs.js";

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
