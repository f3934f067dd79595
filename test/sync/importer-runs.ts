// What the importer tests share: the fixture transcripts, how to run an importer over records (in one
// go, or resumed from its state at a split point), and how to read what it made.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../src/platform/package-info.js";
import type { ImporterKind, TranscriptEvent, TranscriptSession } from "../../src/sync/importers/types.js";

export const FIXTURES = join(packageRoot(), "test", "fixtures", "transcripts");
export const MAIN = "3f2b8c1e-5a4d-4e7b-9c1a-2b3c4d5e6f70";
export const CODEX_NEW = "019a2d7a-41c4-78b1-b7cc-a45d62a89cd5";
export const CODEX_OLD = "5973b6c0-94b8-487b-a530-2aeb6098ae0e";
export const CODEX_SUB = "019a4b5c-6d7e-7f80-9a1b-2c3d4e5f6a7b";
export const REL = {
  main: `-home-u-proj/${MAIN}.jsonl`,
  sub: `-home-u-proj/${MAIN}/subagents/agent-a1b2c3d.jsonl`,
  oldAgent: "-home-u-proj/agent-9f8e7d6c.jsonl",
  other: "-home-u-other/7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f.jsonl",
  named: "-home-u-other/0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e.jsonl",
  codexNew: `2025/10/29/rollout-2025-10-29T00-59-38-${CODEX_NEW}.jsonl`,
  codexOld: `2025/08/14/rollout-2025-08-14T10-11-12-${CODEX_OLD}.jsonl`,
  codexSub: `2025/11/02/rollout-2025-11-02T08-00-00-${CODEX_SUB}.jsonl`,
};

export interface Run {
  events: TranscriptEvent[];
  session: TranscriptSession;
  state: Record<string, unknown>;
}

export function records(kind: ImporterKind, rel: string): unknown[] {
  const text = readFileSync(join(FIXTURES, kind.source, rel), "utf8");
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** Imports `recs` in one go, or in two parts with a JSON round-trip of the state at `splitAt`. */
export function run(kind: ImporterKind, rel: string, recs: unknown[], splitAt?: number): Run {
  const id = kind.sessionIdFor(rel);
  let imp = kind.open(id, rel);
  const events: TranscriptEvent[] = [];
  recs.forEach((r, i) => {
    if (i === splitAt) imp = kind.open(id, rel, JSON.parse(JSON.stringify(imp.state())));
    events.push(...imp.push(JSON.parse(JSON.stringify(r)), i + 1));
  });
  return { events, session: imp.session(), state: JSON.parse(JSON.stringify(imp.state())) as Record<string, unknown> };
}

export function load(kind: ImporterKind, rel: string): Run {
  return run(kind, rel, records(kind, rel));
}

/** The events as the engine keeps them: a replacement (same seq) wins. */
export function applied(events: TranscriptEvent[]): TranscriptEvent[] {
  const bySeq = new Map<number, TranscriptEvent>();
  for (const e of events) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export function fold(r: Run): { skipped: number; unknown: number } {
  return r.state.fold as { skipped: number; unknown: number };
}

export function tokens(input: number, output: number, cacheRead: number, cacheWrite: number, reasoning = 0) {
  return { input, output, cacheRead, cacheWrite, reasoning };
}
