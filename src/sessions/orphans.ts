// The daemon as a child subreaper: a process a session started that outlives its parent (a
// `setsid` + double-fork, a leftover of a killed session) is re-parented to the daemon instead of
// init, so its parent chain still leads to the daemon and it is still known as a session's agent
// (peer-session.ts). Those adopted orphans become our children, so we must reap them when they
// exit — one pid at a time, never waitpid(-1), which would steal the exits libuv and node-pty
// wait for (a session leader's exit would never be seen). When the daemon stops they are killed
// (endAll): re-parented to init, to the next daemon they would pass for a person's.
import { readdirSync } from "node:fs";
import type { Logger } from "../platform/log.js";
import { native } from "../platform/native.js";
import { processLineage } from "../platform/proc.js";

export interface OrphanReaper {
  /** The daemon's pid when orphans are re-parented to it; null where that is not possible. */
  readonly pid: number | null;
  /**
   * Kills every adopted orphan and all it started (what sessions left behind), for a daemon about
   * to exit: without the daemon they would re-parent to init and, to the next daemon, pass for a
   * person's processes. Resolves to how many were killed.
   */
  endAll(): Promise<number>;
  dispose(): void;
}

/** Rounds of endAll: each kills what is adopted now; what those started is adopted next round. */
const END_ROUNDS = 20;

/**
 * Becomes the subreaper and reaps adopted orphans as they exit. `awaited(pid)`: a child the daemon
 * spawned itself and whose exit something waits for (a session leader), never reaped here.
 */
export function adoptOrphans(awaited: (pid: number) => boolean, log: Logger): OrphanReaper {
  // As init (a container's entry point) every orphan is re-parented to us already, subreaper or
  // not, and must be reaped by us. A chain reaching us still proves descent from us: a process
  // entering the namespace from outside (docker exec, nsenter) has parent 0, not 1. An orphan of
  // such a process is taken for an agent too: fail closed.
  let on: boolean;
  try {
    on = process.pid === 1 || native().childSubreaper();
  } catch (err) {
    log.warn("cannot become a child subreaper: orphans of sessions re-parent to init", { event: "subreaper_unavailable", error: (err as Error).message });
    on = false;
  }
  if (!on) return { pid: null, endAll: async () => 0, dispose: () => {} };
  const ownSid = processLineage(process.pid)?.sid ?? -1;
  let queued = false;
  const reap = () => {
    queued = false;
    for (const name of listProc()) {
      const pid = Number(name);
      if (!(pid > 0) || awaited(pid)) continue;
      const st = processLineage(pid);
      // A zombie child of ours. One in our own Unix session would be a plain child_process child
      // (libuv reaps those): sessions, and so their orphans, live in Unix sessions of their own.
      // Anything else the daemon ever spawns detached must be answered for by `awaited`.
      if (!st || st.ppid !== process.pid || st.state !== "Z" || st.sid === ownSid) continue;
      try {
        native().reapChild(pid);
      } catch {
        // reaped by someone else meanwhile
      }
    }
  };
  const onChild = () => {
    if (queued) return;
    queued = true;
    setImmediate(reap);
  };
  process.on("SIGCHLD", onChild);
  /** Adopted orphans (children of ours in a Unix session of their own) now, with all their descendants. */
  const leftovers = (): number[] => {
    const children = new Map<number, number[]>();
    const roots: number[] = [];
    for (const name of listProc()) {
      const pid = Number(name);
      const st = processLineage(pid);
      if (!st || st.state === "Z") continue;
      if (st.ppid === process.pid) {
        if (st.sid !== ownSid && !awaited(pid)) roots.push(pid);
      } else {
        const siblings = children.get(st.ppid);
        if (siblings) siblings.push(pid);
        else children.set(st.ppid, [pid]);
      }
    }
    const all: number[] = [];
    for (let next = roots; next.length > 0; next = next.flatMap((p) => children.get(p) ?? [])) all.push(...next);
    return all;
  };
  const endAll = async (): Promise<number> => {
    let killed = 0;
    for (let round = 0; round < END_ROUNDS; round++) {
      const victims = leftovers();
      if (victims.length === 0) break;
      for (const pid of victims) {
        try {
          process.kill(pid, "SIGKILL");
          killed++;
        } catch {
          // gone meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, 10)); // their children re-parent to us; the dead are reaped
      reap();
    }
    if (killed > 0) log.warn("processes left behind by sessions killed with the daemon", { event: "leftovers_killed", count: killed });
    return killed;
  };
  return { pid: process.pid, endAll, dispose: () => void process.off("SIGCHLD", onChild) };
}

function listProc(): string[] {
  try {
    return readdirSync("/proc").filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
  } catch {
    return [];
  }
}
