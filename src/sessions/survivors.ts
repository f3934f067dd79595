// What is left of sessions a crashed daemon launched: their processes, found in /proc, so boot
// settlement can end every one of them, including those that left the session's process group
// and Unix session (setsid, double fork) and were reparented away from it.
//
// Why the markers below are safe to act on:
// - Every process of a session carries WARDEN_SESSION_ID=<id> in /proc/<pid>/environ: set at
//   launch, inherited through fork, exec, setsid and double forks, and readable by this uid. Its
//   own Unix session id (the leader's pid) covers those that cleared their environment but did
//   not setsid.
// - The variable is self-declared, so it is only ever used to KILL, never to grant anything: a
//   same-uid process claiming a session can only get itself killed, which it could do anyway.
// - It must not reach a stranger: only this uid's processes are looked at, only on the boot the
//   session was launched on, and only those started no earlier than the session's leader (start
//   time in clock ticks since boot, from the launch record). A process claiming the id that
//   started before the session existed (a copied environment, say) is spared. The start time is
//   read again just before the signal, so a pid that died and was reused in between is spared too.
// - The new daemon and the processes it descends from are never candidates (a daemon restarted
//   from inside a session inherits that session's variables).
import { bootId, listPids, processEnv, processLineage, processStartTime, processUid } from "../platform/proc.js";

export interface LaunchRecord {
  pid: number;
  /** null: the group is not provably ours (the leader's pid was reused); it is left alone. */
  pgid: number | null;
  /** The leader's start time, in clock ticks since boot. */
  startTime: string | null;
  bootId: string | null;
}

/** One scan of /proc: this uid's processes with a WARDEN_SESSION_ID or in a Unix session, by start time. */
export interface ProcessTable {
  bySession: Map<string, Array<{ pid: number; start: number }>>;
  bySid: Map<number, Array<{ pid: number; start: number }>>;
}

const MAX_ANCESTRY = 64;

export function scanProcesses(): ProcessTable {
  const table: ProcessTable = { bySession: new Map(), bySid: new Map() };
  const uid = process.getuid?.();
  const spared = selfAndAncestors();
  for (const pid of listPids()) {
    if (spared.has(pid) || processUid(pid) !== uid) continue;
    const start = Number(processStartTime(pid));
    const lineage = processLineage(pid);
    if (!Number.isFinite(start) || !lineage) continue; // gone meanwhile
    const entry = { pid, start };
    const session = processEnv(pid, "WARDEN_SESSION_ID");
    if (session) push(table.bySession, session, entry);
    push(table.bySid, lineage.sid, entry);
  }
  return table;
}

/**
 * SIGKILLs what is left of the session `id` launched as `launch`: its process group, and every
 * process (found in `table`) that is in its Unix session or claims its id, and started on this
 * boot no earlier than its leader. How many were signalled (the group counts one).
 */
export function killSessionProcesses(id: string, launch: LaunchRecord, leader: "alive" | "pid_dead", table: ProcessTable): number {
  let killed = 0;
  if (launch.pgid !== null) {
    try {
      process.kill(-launch.pgid, "SIGKILL");
      killed++;
    } catch {
      // ESRCH: the whole group is gone
    }
  }
  const since = Number(launch.startTime);
  if (launch.startTime === null || !Number.isFinite(since) || launch.bootId === null || launch.bootId !== bootId()) return killed;
  // Members of the leader's Unix session are ours only while the leader provably is: once it is
  // gone its pid (and so the session id) may name a stranger's session.
  const members = [...(table.bySession.get(id) ?? []), ...(leader === "alive" ? (table.bySid.get(launch.pid) ?? []) : [])];
  for (const { pid, start } of members) {
    if (start < since || processStartTime(pid) !== String(start)) continue;
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // gone already
    }
  }
  return killed;
}

function push<K>(map: Map<K, Array<{ pid: number; start: number }>>, key: K, entry: { pid: number; start: number }): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function selfAndAncestors(): Set<number> {
  const pids = new Set<number>([process.pid]);
  let p = process.ppid;
  for (let i = 0; i < MAX_ANCESTRY && p > 1 && !pids.has(p); i++) {
    pids.add(p);
    p = processLineage(p)?.ppid ?? 0;
  }
  return pids;
}
