// Who a connecting process is — a person, or an agent of a session warden launched — observed
// from /proc (the process tree and Unix session ids), never from what the process says about
// itself (its environment is its own to forge). Decided once, when it connects.
//
// A session's process leads its own Unix session (setsid at spawn), so whatever it starts shares
// that session id unless it calls setsid itself; for those, the parent chain is walked. A
// `setsid` + double-forked grandchild has neither: its parent is gone and it was re-parented.
// That is why the daemon is a child subreaper (orphans.ts): every orphan of a session is
// re-parented to the daemon, so its chain still ends at the daemon, through a child of ours that
// is not a person's process. The daemon starts no process but sessions (workers are threads), so
// a chain that reaches the daemon from below is a session's descendant whatever child it passes
// through: it is an agent, of the session its Unix session id names if one does, else of a
// session we cannot tell (restricted all the same). Fail closed wherever the walk cannot finish.
import type { PeerRole } from "../rpc/context.js";
import { processLineage } from "../platform/proc.js";

/** A session leader this daemon launched; its pid is also its Unix session id and process group. */
export interface Leader {
  session: string;
  /** Clock ticks since boot (/proc/<pid>/stat field 22): a reused pid does not match. */
  startTime: number;
}

export interface SessionTree {
  /** Leaders of live sessions, and of recently ended ones (for attributing their orphans), by pid. */
  leaders: ReadonlyMap<number, Leader>;
  /** The daemon's pid when orphans are re-parented to it (a child subreaper, or init), else null. */
  reaper: number | null;
  /**
   * Processes found to be a person's (pid → start time), filled in by classifyProcess. That answer
   * is permanent: a process that does not descend from the daemon never comes to (orphans are
   * re-parented to an ancestor), and a walk from a session's process meets the session or the
   * daemon before it could meet one of these. It saves a person's CLI the walk up to init.
   */
  people?: Map<number, number>;
}

/** Deeper than any shell a person works in; a chain this deep is built, and fails closed. */
const MAX_DEPTH = 256;
/** People's processes remembered; the memory is dropped whole when it grows past this. */
const MAX_PEOPLE = 4096;
/** Walks restarted because a process on the chain exited (its children were re-parented) mid-walk. */
const MAX_RESTARTS = 3;

const PERSON: PeerRole = { agent: false };
const agent = (session: string | null): PeerRole => ({ agent: true, session });
const RESTART = Symbol("restart");

export function classifyProcess(pid: number, tree: SessionTree): PeerRole {
  if (!(pid > 0)) return PERSON; // the platform gives no peer pid: the socket alone decides
  for (let attempt = 0; attempt < MAX_RESTARTS; attempt++) {
    const role = walk(pid, tree);
    if (role !== RESTART) return role;
  }
  return agent(null);
}

function walk(pid: number, tree: SessionTree): PeerRole | typeof RESTART {
  let cur = pid;
  let stat = processLineage(pid);
  if (!stat) return agent(null); // gone before it could be looked at: nobody to give rights to
  const sids: Array<{ sid: number; startTime: number }> = [];
  const chain: Array<[number, number]> = [];
  const person = (): PeerRole => {
    const people = tree.people;
    if (people) {
      if (people.size + chain.length > MAX_PEOPLE) people.clear();
      for (const [p, t] of chain) people.set(p, t);
    }
    return PERSON;
  };
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    // In a live session's Unix session: the leader still runs (same start time), so its pid,
    // which is the session id, cannot have been reused.
    const bySid = tree.leaders.get(stat.sid);
    if (bySid && processLineage(stat.sid)?.startTime === bySid.startTime) return agent(bySid.session);
    const leader = tree.leaders.get(cur);
    if (leader && leader.startTime === stat.startTime) return agent(leader.session);
    if (cur === tree.reaper && depth > 0) return agent(orphanSession(sids, tree));
    if (tree.people?.get(cur) === stat.startTime) return person();
    sids.push({ sid: stat.sid, startTime: stat.startTime });
    chain.push([cur, stat.startTime]);
    // Reached init (or the kernel) without passing a session; unless the daemon is init (pid 1 in a
    // container), then the next step reaches it, from below.
    if (stat.ppid <= 1 && stat.ppid !== tree.reaper) return person();
    const parent = processLineage(stat.ppid);
    // The parent exited (and `cur` was re-parented), or its pid now names a younger process.
    if (!parent || parent.startTime > stat.startTime) return RESTART;
    cur = stat.ppid;
    stat = parent;
  }
  return agent(null);
}

/**
 * The session an orphan re-parented to the daemon came from, by a Unix session id on its chain
 * that was a leader's pid. The leader is gone, so the number could in principle have been reused;
 * the orphan is an agent either way, only its attribution is at stake, and a process younger than
 * the leader is required.
 */
function orphanSession(sids: ReadonlyArray<{ sid: number; startTime: number }>, tree: SessionTree): string | null {
  for (const { sid, startTime } of sids) {
    const leader = tree.leaders.get(sid);
    if (leader && leader.startTime <= startTime) return leader.session;
  }
  return null;
}

/** Ended sessions' leaders remembered for attributing their orphans (oldest forgotten first). */
const ENDED_LEADERS = 1024;

/** The supervisor's memory of the process tree: every session leader it launched, and the people found. */
export class SessionLeaders {
  /** Every session leader launched (live, then the last ENDED_LEADERS ended), by pid. */
  private readonly leaders = new Map<number, Leader>();
  /** Processes known to be a person's (see SessionTree.people). */
  private readonly people = new Map<number, number>();

  launched(pid: number, session: string, startTime: number): void {
    this.leaders.delete(pid); // re-inserted last: the newest leader of a reused pid wins
    this.leaders.set(pid, { session, startTime });
  }

  /** Forgets the oldest ended sessions' leaders beyond ENDED_LEADERS. */
  forgetEnded(isLive: (session: string) => boolean): void {
    let ended = 0;
    for (const l of this.leaders.values()) if (!isLive(l.session)) ended++;
    for (const [pid, l] of this.leaders) {
      if (ended <= ENDED_LEADERS) break;
      if (isLive(l.session)) continue;
      this.leaders.delete(pid);
      ended--;
    }
  }

  /** `reaper`: the daemon's pid when orphans re-parent to it (a child subreaper, or init), else null. */
  classify(pid: number, reaper: number | null): PeerRole {
    return classifyProcess(pid, { leaders: this.leaders, reaper, people: this.people });
  }
}
