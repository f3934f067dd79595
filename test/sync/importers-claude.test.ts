// The Claude Code importer over its fixture transcripts (test/fixtures/transcripts/claude-code/).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { claudeCode } from "../../src/sync/importers/index.js";
import { applied, fold, load, MAIN, REL, tokens } from "./importer-runs.js";

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
