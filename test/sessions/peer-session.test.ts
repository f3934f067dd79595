// The peer classifier on real processes: who is a person, who a session's agent, and where the
// walk fails closed.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { processLineage } from "../../src/platform/proc.js";
import { classifyProcess, type Leader } from "../../src/sessions/peer-session.js";
import { pollUntil } from "../helpers/poll.js";

const started: ChildProcess[] = [];
after(() => {
  for (const c of started) {
    try {
      process.kill(-c.pid!, "SIGKILL"); // each leads its own process group
    } catch {
      // already gone
    }
  }
});

function start(argv: string[]): ChildProcess {
  const c = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: "ignore" });
  started.push(c);
  return c;
}

function childrenOf(ppid: number): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => processLineage(pid)?.ppid === ppid);
}

const none = new Map<number, Leader>();

describe("classifyProcess", () => {
  it("a process outside every session is a person", () => {
    assert.deepEqual(classifyProcess(process.pid, { leaders: none, reaper: null }), { agent: false });
  });

  it("a descendant of a session leader is that session's agent; a leader of another start time (a reused pid) names nobody", async () => {
    const leader = start(["sh", "-c", "sleep 30 & wait"]);
    await pollUntil(() => childrenOf(leader.pid!).length > 0, { what: "the leader's child" });
    const child = childrenOf(leader.pid!)[0]!;
    const startTime = processLineage(leader.pid!)!.startTime;
    const leaders = new Map([[leader.pid!, { session: "s1", startTime }]]);
    assert.deepEqual(classifyProcess(child, { leaders, reaper: null }), { agent: true, session: "s1" });
    assert.deepEqual(classifyProcess(leader.pid!, { leaders, reaper: null }), { agent: true, session: "s1" });
    const reused = new Map([[leader.pid!, { session: "s1", startTime: startTime - 1 }]]);
    assert.deepEqual(classifyProcess(child, { leaders: reused, reaper: null }), { agent: false });
    // A remembered person whose pid now names a younger process is not trusted.
    const people = new Map([[child, processLineage(child)!.startTime - 1]]);
    assert.deepEqual(classifyProcess(child, { leaders, reaper: null, people }), { agent: true, session: "s1" });
  });

  it("remembers a person's processes, so the next walk stops there", () => {
    const people = new Map<number, number>();
    assert.deepEqual(classifyProcess(process.pid, { leaders: none, reaper: null, people }), { agent: false });
    assert.equal(people.get(process.pid), processLineage(process.pid)!.startTime);
    assert.ok(people.has(process.ppid), "its ancestors too");
    assert.deepEqual(classifyProcess(process.pid, { leaders: none, reaper: null, people }), { agent: false });
  });

  it("a chain that reaches the daemon (the subreaper) from below is an agent; the daemon itself is not", () => {
    const child = start(["sleep", "30"]);
    assert.deepEqual(classifyProcess(child.pid!, { leaders: none, reaper: process.pid }), { agent: true, session: null });
    assert.deepEqual(classifyProcess(process.pid, { leaders: none, reaper: process.pid }), { agent: false });
  });

  it("fails closed for a process already gone, and for a chain deeper than the walk's bound", async () => {
    const gone = spawnSync("true").pid;
    assert.deepEqual(classifyProcess(gone, { leaders: none, reaper: null }), { agent: true, session: null });
    // 300 nested shells (the `:` after each keeps it from exec'ing into the next), the last asleep.
    const dir = mkdtempSync(join(tmpdir(), "wd-deep-"));
    const script = join(dir, "deep.sh");
    writeFileSync(script, 'if [ "$1" -gt 0 ]; then sh "$0" $(($1 - 1)); :; else exec sleep 30; fi\n');
    const top = start(["sh", script, "300"]);
    let bottom = top.pid!;
    await pollUntil(
      () => {
        for (let next = childrenOf(bottom); next.length > 0; next = childrenOf(bottom)) bottom = next[0]!;
        return processLineage(bottom) !== null && readFileSync(`/proc/${bottom}/comm`, "utf8").trim() === "sleep";
      },
      { what: "the deepest shell's sleep", timeoutMs: 20_000 },
    );
    assert.deepEqual(classifyProcess(bottom, { leaders: none, reaper: null }), { agent: true, session: null });
    rmSync(dir, { recursive: true, force: true });
  });
});
