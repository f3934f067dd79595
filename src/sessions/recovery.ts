// Fail-closed restart: every session of this host that a previous daemon left without an exit is
// settled at boot. A process group that survived it is killed (after checking, by start time,
// that the pid still names the process we started), and an exit event records that warden did
// not see it end. Its output so far stays as recorded; nothing is re-run.
import { readdirSync } from "node:fs";
import { parseEvent } from "../ledger/events.js";
import { scanLines } from "../ledger/jsonl.js";
import type { LedgerWriter } from "../ledger/writer.js";
import type { Logger } from "../daemon/log.js";
import { checkIdentity } from "../daemon/proc.js";

/** Kinds after which a PTY or task session is still running. */
const UNSETTLED = new Set(["launch", "output", "input", "resize", "status"]);

export interface Settled {
  session: string;
  killed: boolean;
}

/**
 * `candidates`: ids the projection believes running, or null to look at every ledger file (the
 * projection is being rebuilt). Either way each file's own last event decides.
 */
export async function settleOrphans(writer: LedgerWriter, dir: string, candidates: string[] | null, log: Logger): Promise<Settled[]> {
  const ids = candidates ?? listSessions(dir);
  const settled: Settled[] = [];
  for (const id of ids) {
    if (!UNSETTLED.has(writer.lastKindOnDisk(id) ?? "")) continue;
    const launch = firstEvent(writer.pathOf(id));
    const d = launch?.kind === "launch" ? launch.data : {};
    const killed = killSurvivors(d);
    await writer.append(id, "exit", { code: null, signal: null, status: "failed", terminal_reason: "daemon_restarted", recovered_on_boot: true, killed });
    log.warn("session left running by a previous daemon settled as failed", { event: "session_recovered", session: id, killed });
    settled.push({ session: id, killed });
  }
  return settled;
}

function listSessions(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => f.slice(0, -".jsonl".length));
  } catch {
    return [];
  }
}

function firstEvent(path: string) {
  let first: ReturnType<typeof parseEvent> = null;
  scanLines(path, 0, (line) => {
    first = parseEvent(line);
    return false;
  });
  return first as ReturnType<typeof parseEvent>;
}

/**
 * SIGKILLs the recorded process group when that is provably ours: the leader still runs with the
 * recorded start time, or it is gone (then only members of its old group can hold that process
 * group id: Linux does not hand out a pid still in use as a group id). A pid reused by another
 * process, or a reboot since, means nothing of ours is left to kill.
 */
function killSurvivors(d: Record<string, unknown>): boolean {
  const pid = d.pid;
  const pgid = d.pgid ?? pid;
  if (!Number.isInteger(pid) || !Number.isInteger(pgid) || (pid as number) <= 1 || (pgid as number) <= 1) return false;
  const identity = checkIdentity({
    pid: pid as number,
    bootId: typeof d.bootId === "string" ? d.bootId : null,
    startTime: typeof d.startTime === "string" ? d.startTime : null,
  });
  if (identity === "rebooted" || identity === "pid_reused") return false;
  if (identity === "alive" && typeof d.startTime !== "string") return false; // cannot prove it is ours
  try {
    process.kill(-(pgid as number), "SIGKILL");
    return true;
  } catch {
    return false; // ESRCH: the whole group is gone
  }
}
