// Which session a connecting process belongs to, observed from /proc rather than taken from its
// environment: a session's process leads its own Unix session (setsid at spawn), so everything
// it starts shares that session id unless it calls setsid itself; for those, the parent chain is
// walked instead.
import { processLineage } from "../daemon/proc.js";

const MAX_DEPTH = 64;

/**
 * The key of `leaders` (session pid → session id) that `pid` descends from, or null. Checked
 * against the leader's current start time by the caller's map, so a reused pid cannot match.
 */
export function sessionOfProcess(pid: number, leaders: ReadonlyMap<number, string>): string | null {
  if (pid <= 0) return null;
  const first = processLineage(pid);
  if (!first) return null;
  const bySid = leaders.get(first.sid);
  if (bySid !== undefined) return bySid;
  let p = pid;
  let lineage: { ppid: number } | null = first;
  for (let depth = 0; lineage && depth < MAX_DEPTH; depth++) {
    const hit = leaders.get(p);
    if (hit !== undefined) return hit;
    if (lineage.ppid <= 1) return null;
    p = lineage.ppid;
    lineage = processLineage(p);
  }
  return null;
}
