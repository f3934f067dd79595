// Fail-closed restart: every session of this host that a previous daemon left without an exit is
// settled at boot. What survived of it is killed (its process group, and every process of the
// session found in /proc, setsid'd ones too: survivors.ts), and an exit event records that warden
// did not see it end. Its output so far stays as recorded; nothing is re-run. What ended sessions
// left behind is killed too: an orderly stop ends it (orphans.ts), a crash could not, and
// re-parented away from the daemon it would pass for a person's processes.
import { existsSync, readdirSync } from "node:fs";
import { isEvent, type LedgerEventMap, type LedgerKind } from "../ledger/event-map.js";
import { parseEvent, type LedgerEvent } from "../ledger/events.js";
import { UUID_PATTERN } from "../ledger/ids.js";
import { scanLines } from "../ledger/jsonl.js";
import type { LedgerWriter } from "../ledger/writer.js";
import type { Logger } from "../platform/log.js";
import { checkIdentity } from "../platform/proc.js";
import { killSessionProcesses, scanProcesses, type ProcessTable } from "./survivors.js";

/** Kinds after which a PTY or task session is still running. */
const UNSETTLED = new Set<string>(["launch", "output", "input", "resize", "status", "scope"] satisfies LedgerKind[]);

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
  const orphans = ids.filter((id) => UNSETTLED.has(writer.lastKindOnDisk(id) ?? ""));
  const table = scanProcesses(); // one /proc walk for all of them
  for (const id of orphans) {
    const killed = killSurvivors(id, launchData(writer, id), table);
    await writer.append(id, "exit", { code: null, signal: null, status: "failed", terminal_reason: "daemon_restarted", recovered_on_boot: true, killed });
    log.warn("session left running by a previous daemon settled as failed", { event: "session_recovered", session: id, killed });
    settled.push({ session: id, killed });
  }
  // Processes claiming an ended session of this host (found by its WARDEN_SESSION_ID; one that
  // cleared its environment is not): never its leader or group, which ended with it.
  let leftovers = 0;
  const settledIds = new Set(orphans);
  for (const [id, procs] of table.bySession) {
    // The id is the process's word: only one of ours (a UUIDv7, never a path) is looked up.
    if (settledIds.has(id) || !UUID_PATTERN.test(id) || !existsSync(writer.pathOf(id))) continue;
    const d = launchData(writer, id);
    if (!Number.isInteger(d.pid)) continue;
    const launch = {
      pid: d.pid as number,
      pgid: null,
      bootId: typeof d.bootId === "string" ? d.bootId : null,
      startTime: typeof d.startTime === "string" ? d.startTime : null,
    };
    leftovers += killSessionProcesses(id, launch, "pid_dead", { bySession: new Map([[id, procs]]), bySid: new Map() });
  }
  if (leftovers > 0) log.warn("processes ended sessions left behind, killed at boot", { event: "leftovers_killed", count: leftovers });
  return settled;
}

/** The session's launch data; fields may be missing or odd in a file from an older warden, so each is checked where used. */
function launchData(writer: LedgerWriter, id: string): Partial<LedgerEventMap["launch"]> {
  const launch = firstEvent(writer.pathOf(id));
  return isEvent(launch, "launch") ? launch.data : {};
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

function firstEvent(path: string): LedgerEvent | null {
  let first: LedgerEvent | null = null;
  scanLines(path, 0, (line) => {
    first = parseEvent(line);
    return false;
  });
  return first;
}

/**
 * Kills what is left of the session when that is provably ours: the leader still runs with the
 * recorded start time, or it is gone (then only members of its old group can hold that process
 * group id: Linux does not hand out a pid still in use as a group id). A pid reused by another
 * process, or a reboot since, means the leader and its group are not ours; processes that claim
 * the session are still looked at (survivors.ts decides, by start time).
 */
function killSurvivors(id: string, d: Partial<LedgerEventMap["launch"]>, table: ProcessTable): boolean {
  const pid = d.pid;
  const pgid = d.pgid ?? pid;
  if (!Number.isInteger(pid) || !Number.isInteger(pgid) || (pid as number) <= 1 || (pgid as number) <= 1) return false;
  const recorded = {
    pid: pid as number,
    pgid: pgid as number,
    bootId: typeof d.bootId === "string" ? d.bootId : null,
    startTime: typeof d.startTime === "string" ? d.startTime : null,
  };
  const identity = checkIdentity(recorded);
  if (identity === "rebooted") return false;
  if (identity === "pid_reused" || (identity === "alive" && recorded.startTime === null)) {
    // The recorded leader (and so its group) is not provably ours: only processes claiming the session.
    return killSessionProcesses(id, { ...recorded, pgid: null }, "pid_dead", table) > 0;
  }
  return killSessionProcesses(id, recorded, identity, table) > 0;
}
