// The daemon as init (pid 1: a container's entry point): the kernel re-parents every orphan to it,
// subreaper or not, so an orphan of a session (a `setsid` + double fork) must still be known for an
// agent, and reaped when it exits. Run for real in a new pid namespace (`unshare`, unprivileged
// through a user namespace), where a node process is pid 1.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");
const mod = (path: string) => JSON.stringify(`file://${join(src, path)}`);

/** Runs as pid 1: adopts orphans, makes one that left our Unix session, classifies it, kills it, waits for it to be reaped. */
const AS_INIT = `
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { adoptOrphans } from ${mod("sessions/orphans.js")};
import { classifyProcess } from ${mod("sessions/peer-session.js")};
import { processLineage } from ${mod("platform/proc.js")};
import { pollUntil } from ${mod("../test/helpers/poll.js")};
const quiet = { debug() {}, info() {}, warn() {}, error() {}, close() {}, debugEnabled: false };
const reaper = adoptOrphans(() => false, quiet);
spawnSync("sh", ["-c", "setsid sleep 30 >/dev/null 2>&1 &"]);
const sleeping = () => readdirSync("/proc").filter((n) => /^[0-9]+$/.test(n)).map(Number)
  .filter((pid) => { try { return readFileSync("/proc/" + pid + "/comm", "utf8").trim() === "sleep"; } catch { return false; } });
await pollUntil(() => sleeping().length > 0 && processLineage(sleeping()[0]).ppid === 1, { what: "the orphan re-parented to pid 1" });
const orphan = sleeping()[0];
const role = classifyProcess(orphan, { leaders: new Map(), reaper: reaper.pid });
process.kill(orphan, "SIGKILL");
const reaped = await pollUntil(() => processLineage(orphan) === null, { what: "the orphan reaped" });
reaper.dispose();
console.log(JSON.stringify({ self: process.pid, reaper: reaper.pid, role, reaped }));
`;

describe("the daemon as pid 1", () => {
  it("an orphan that left the session's Unix session is an agent, and is reaped when it exits", (t) => {
    const r = spawnSync("unshare", ["--user", "--map-root-user", "--pid", "--fork", "--mount-proc", process.execPath, "--input-type=module", "-e", AS_INIT], {
      encoding: "utf8",
      timeout: 20_000,
    });
    if (r.error || (r.status !== 0 && /unshare/.test(r.stderr))) return t.skip(`no unprivileged pid namespace here: ${r.error?.message ?? r.stderr.trim()}`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { self: 1, reaper: 1, role: { agent: true, session: null }, reaped: true });
  });
});
