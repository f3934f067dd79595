// An importer's resume state is parsed with its schema when the file is opened again: one that
// does not parse (damaged, or written by another version) is refused at once with
// ImporterStateError, and the transcript is read again from its start, never resumed with a
// state that breaks a later record or skews its counts.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SecretValues } from "../../src/masking/secret-values.js";
import { ImporterStateError, claudeCode, codex } from "../../src/sync/importers/index.js";
import { SourceMap } from "../../src/sync/source-map.js";
import { readTranscript, type TranscriptBatch } from "../../src/sync/transcript-slice.js";

const SESSION = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
const REL = `-p/${SESSION}.jsonl`;
const CODEX_REL = "2025/10/29/rollout-2025-10-29T00-59-38-019a2d7a-41c4-78b1-b7cc-a45d62a89cd5.jsonl";

/** One streamed chunk of assistant message `msg` (Claude Code writes a line per content block, sharing message id and request id). */
const chunk = (msg: string, text: string, output: number) => ({
  type: "assistant",
  sessionId: SESSION,
  requestId: `req-${msg}`,
  timestamp: "2026-11-20T10:00:01.000Z",
  cwd: "/p",
  message: { id: msg, role: "assistant", model: "claude-x", content: [{ type: "text", text }], usage: { input_tokens: 10, output_tokens: output } },
});
const user = { type: "user", sessionId: SESSION, timestamp: "2026-11-20T10:00:00.000Z", cwd: "/p", message: { role: "user", content: "hello there" } };

type State = { fold: Record<string, unknown>; pairs: [string, Record<string, unknown>][] } & Record<string, unknown>;

/** A real state, after a user line and one streamed chunk. */
function claudeState(): State {
  const imp = claudeCode.open(claudeCode.sessionIdFor(REL), REL);
  imp.push(user, 1);
  imp.push(chunk("m1", "first block", 5), 2);
  return JSON.parse(JSON.stringify(imp.state())) as State;
}

function codexState(): State {
  const imp = codex.open(codex.sessionIdFor(CODEX_REL), CODEX_REL);
  imp.push({ type: "session_meta", timestamp: "2025-10-29T00:59:38.000Z", payload: { id: "019a2d7a-41c4-78b1-b7cc-a45d62a89cd5", cwd: "/p" } }, 1);
  imp.push(
    {
      type: "event_msg",
      timestamp: "2025-10-29T00:59:40.000Z",
      payload: { type: "token_count", info: { total_token_usage: { input_tokens: 100, output_tokens: 20 } } },
    },
    2,
  );
  return JSON.parse(JSON.stringify(imp.state())) as State;
}

describe("importer resume state", () => {
  it("resumes from a state it wrote", () => {
    assert.doesNotThrow(() => claudeCode.open("s-1", REL, claudeState()));
    assert.doesNotThrow(() => codex.open("s-1", CODEX_REL, codexState()));
  });

  it("refuses a damaged or other-shaped state when it is opened, not at a later record", () => {
    const damaged: Array<[typeof claudeCode, State]> = [];
    const claude = (edit: (s: State) => void) => {
      const s = claudeState();
      edit(s);
      damaged.push([claudeCode, s]);
    };
    const cdx = (edit: (s: State) => void) => {
      const s = codexState();
      edit(s);
      damaged.push([codex, s]);
    };
    claude((s) => delete s.pairs[0]![1].b); // a pair without its blocks: the next chunk of it would throw
    claude((s) => (s.pairs = [3 as never]));
    claude((s) => (s.pairs[0]![1].t = { input: "10" }));
    claude((s) => (s.fold.lastTs = 5));
    claude((s) => delete s.fold.parent); // an older fold without the field
    claude((s) => (s.customTitle = 7));
    cdx((s) => (s.total = { input: "100", cached: 0, output: 20, reasoning: 0 })); // the next delta would be NaN
    cdx((s) => (s.fold.nextSeq = 0));
    cdx((s) => (s.threadName = ["x"]));
    for (const [kind, state] of damaged) {
      assert.throws(
        () => kind.open("s-1", kind === codex ? CODEX_REL : REL, state),
        ImporterStateError,
        `${kind.source}: ${JSON.stringify(state).slice(0, 200)}`,
      );
    }
  });

  it("reads the file again from its start when its saved state does not parse", () => {
    const dir = mkdtempSync(join(tmpdir(), "wd-imp-state-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const root = join(dir, "projects");
    mkdirSync(join(root, "-p"), { recursive: true });
    const file = join(root, REL);
    writeFileSync(file, [user, chunk("m1", "first block", 5)].map((r) => JSON.stringify(r) + "\n").join(""));
    const source = new SourceMap(join(dir, "home"), "h1", [{ source: "claude-code", root }]).discover().sources[0]!;
    const read = (wm: Parameters<typeof readTranscript>[2], from: number) => {
      const st = statSync(file);
      const batches: TranscriptBatch[] = [];
      const resume = from === 0 ? { outcome: "new" as const, from: 0, reset: false } : { outcome: "appended" as const, from, reset: false };
      readTranscript(source, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino }, wm, resume, new SecretValues(), Infinity, (b) => void batches.push(b));
      return batches;
    };
    const first = read(undefined, 0);
    const wm = first.at(-1)!.wm;
    assert.deepEqual(
      first.flatMap((b) => b.rows.map((r) => r.seq)),
      [1, 2, 3],
    ); // user, text block, token_usage
    // The same message streams on; the state saved with the watermark lost its pairs' blocks.
    appendFileSync(file, JSON.stringify(chunk("m1", "second block", 9)) + "\n");
    const state = JSON.parse(wm.state!) as State;
    delete state.pairs[0]![1].b;
    const again = read({ ...wm, state: JSON.stringify(state), masked: wm.masked ?? 0, missing: 0 }, wm.offset);
    assert.equal(again[0]!.reset, true, "the file's earlier rows are replaced");
    assert.equal(again[0]!.from, 0, "read from its start");
    const rows = again.flatMap((b) => b.rows);
    assert.deepEqual(
      rows.map((r) => [r.seq, r.kind]),
      [
        [1, "user"],
        [2, "assistant"],
        [3, "token_usage"],
        [4, "assistant"],
      ],
    );
    assert.equal(again.at(-1)!.session.tokens.output, 9, "the pair's usage counted once, at its final figure");
  });
});
