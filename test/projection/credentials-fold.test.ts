// A session's credential scope in the projection: its launch event's scopes and allow, replaced by
// each `scope` event, kept through its exit; a launch recorded by an older warden (no scopes) folds
// to the empty scope, which is what its agent had: nothing without approval.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LedgerEvent } from "../../src/ledger/events.js";
import { sessionOut } from "../../src/projection/read-wire.js";
import { foldSession, type SessionRow } from "../../src/projection/rows.js";

const ID = "0193a7c2-5a10-7cc1-9b1e-2f1c9d0e4a11";
let seq = 0;
const ev = (kind: string, data: Record<string, unknown>): LedgerEvent => ({
  v: 1,
  session: ID,
  seq: ++seq,
  ts: new Date(seq * 1000).toISOString(),
  kind,
  data,
});
const launch = (extra: Record<string, unknown>) =>
  ev("launch", { kind: "task", mode: "task", title: "t", harness: null, argv: ["true"], cwd: "/p", cols: 80, rows: 24, pid: 4242, pgid: 4242, ...extra });

function fold(events: LedgerEvent[]): SessionRow {
  let row: SessionRow | null = null;
  for (const e of events) row = foldSession(row, e, "laptop");
  return row!;
}

describe("credentials in the projection", () => {
  it("folds launch, scope and exit events into the session's credentials", () => {
    const events = [launch({ scopes: ["dev"], allow: [] }), ev("output", { stream: "stdout", text: "x" })];
    assert.deepEqual(sessionOut(fold(events)).credentials, { scopes: ["dev"], allow: [] });
    events.push(ev("scope", { scopes: ["dev", "ops"], allow: ["work/PLAIN"] }));
    assert.deepEqual(sessionOut(fold(events)).credentials, { scopes: ["dev", "ops"], allow: ["work/PLAIN"] });
    events.push(ev("exit", { code: 0, signal: null, status: "exited", terminal_reason: null }));
    const out = sessionOut(fold(events));
    assert.deepEqual(out.credentials, { scopes: ["dev", "ops"], allow: ["work/PLAIN"] });
    assert.equal(out.process?.exit?.code, 0);
    assert.equal("credentials" in (out.process as object), false, "the process stays the process");
  });

  it("an older warden's launch (no scopes) is the empty scope; a log session has none", () => {
    assert.deepEqual(sessionOut(fold([launch({})])).credentials, { scopes: [], allow: [] });
    assert.equal(sessionOut(fold([ev("open", { title: "log", kind: "log", host: "laptop" })])).credentials, null);
  });
});
