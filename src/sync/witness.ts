// Cross-host witnesses (issue 14). Hosts sharing a synced $WARDEN_HOME see each other's audit log,
// checkpoints and verifier key. After each sync pass, for every other host whose files changed,
// the daemon verifies that host's newest checkpoint — its signature against keys/<host>.audit.pub,
// that key against the epoch key the log names (its last audit_key record within the checkpoint),
// the root against the first `size` leaves of the log as synced here, and consistency with the last
// checkpoint this host witnessed — and appends a `witness` record to its own audit log: "ok" with
// the host, size, root and key, or "error" (witness_inconsistent, witness_bad_signature) naming
// the checkpoint and what was witnessed before, which stays the last good state.
//
// File sync delivers files in any order: a checkpoint ahead of its log, or signed by a key not
// published yet, is witnessed later, once they arrive; never reported. Each checkpoint is acted on
// once, and one that adds only that host's own witness records is not recorded (two hosts would
// otherwise witness each other's witness records for ever). The witness records in this host's log are the durable memory (read back at start); the
// prefix roots are kept incrementally per host and rehashed only when a log was rewritten.
//
// Another host's files are that host's to write, and file sync carries a symlink as a symlink: none
// is read through one (it could point at /dev/zero, a FIFO, a file of this user's), and the key is
// read bounded. Such a host is not witnessed until its files are files.
import { closeSync, fstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { setImmediate as yieldTurn } from "node:timers/promises";
import { readPublished } from "../ledger/audit-key.js";
import type { AuditFields } from "../ledger/audit-log.js";
import { lastCompleteLine, withFile } from "../ledger/jsonl.js";
import { EMPTY_ROOT } from "../ledger/merkle.js";
import { PrefixHasher, verifyCheckpointNote } from "../ledger/witness-check.js";
import { lastWitnesses } from "../ledger/witness-records.js";
import type { Logger } from "../platform/log.js";
import { openNoFollow } from "../platform/nofollow.js";

export interface WitnessOptions {
  home: string;
  /** This host: its own files are not witnessed. */
  host: string;
  /** This host's audit log (the daemon's AuditLog): where witness records go and are read back from. */
  audit: { readonly path: string; append(fields: AuditFields): unknown };
  log: Logger;
  /** Bytes hashed before the event loop gets a turn. */
  sliceBytes: number;
}

interface Seen {
  size: number;
  root: string;
  key: string | null;
}

interface HostState {
  /** The last checkpoint witnessed good: kept through failures. */
  good: Seen | null;
  /** The last checkpoint acted on (recorded either way): not acted on again. */
  done: { size: number | null; root: string | null } | null;
  hasher: PrefixHasher;
  /** Whether the log's root at good.size was good.root when the hasher passed it (null: not passed yet). */
  goodHolds: boolean | null;
  /** The inputs' stats when last looked at: unchanged, nothing to do. */
  stamp: string | null;
}

const HOST = /^([A-Za-z0-9][A-Za-z0-9._-]*)\.checkpoints$/;

export class Witness {
  private hosts = new Map<string, HostState>();
  private closed = false;

  constructor(private readonly o: WitnessOptions) {}

  /** Stops a pass under way at its next slice (the daemon is stopping). */
  close(): void {
    this.closed = true;
  }

  /** Whether a changed file is a witness input the sync pass would not otherwise notice (another host's checkpoints or key). */
  concerns(path: string): boolean {
    const m = /[/\\](audit|keys)[/\\]([A-Za-z0-9][A-Za-z0-9._-]*)\.(checkpoints|audit\.pub)$/.exec(path);
    return m !== null && m[2] !== this.o.host && (m[1] === "audit") === (m[3] === "checkpoints") && path.startsWith(this.o.home);
  }

  /** One pass over every other host with a checkpoints file; never throws (a failure is logged). */
  async run(): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(join(this.o.home, "audit")).flatMap((f) => HOST.exec(f)?.[1] ?? []);
    } catch {
      return; // no audit directory yet
    }
    for (const host of names.filter((h) => h !== this.o.host).sort()) {
      if (this.closed) return;
      try {
        await this.witness(host, this.state(host));
      } catch (err) {
        this.o.log.warn(`witness: checking ${host}'s checkpoint failed: ${(err as Error).message}`, { event: "witness_error", host });
      }
    }
  }

  /** A host's state, from the witness records in this host's log the first time it is seen. */
  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (s) return s;
    const w = lastWitnesses(this.o.audit.path, new Set([host])).get(host);
    const g = w?.good;
    s = {
      good: g && g.size !== null && g.root !== null ? { size: g.size, root: g.root, key: g.key } : null,
      done: w ? { size: w.last.size, root: w.last.root } : null,
      hasher: new PrefixHasher(),
      goodHolds: null,
      stamp: null,
    };
    this.hosts.set(host, s);
    return s;
  }

  private async witness(host: string, s: HostState): Promise<void> {
    const paths = {
      checkpoints: join(this.o.home, "audit", `${host}.checkpoints`),
      pub: join(this.o.home, "keys", `${host}.audit.pub`),
      audit: join(this.o.home, "audit", `${host}.jsonl`),
    };
    const stamp = Object.values(paths)
      .map((p) => statSync(p, { throwIfNoEntry: false }))
      .map((st) => (st ? `${st.ino}:${st.size}:${st.mtimeMs}` : "-"))
      .join("|");
    if (stamp === s.stamp) return;
    const note = newestNote(paths.checkpoints);
    const v = note === null ? null : verifyCheckpointNote(note, host, readPublished(paths.pub));
    if (v === null || v.state === "unknown_key") {
      s.stamp = stamp; // nothing yet, or its key not here yet: looked at again when a file changes
      return;
    }
    const claimed = v.checkpoint ? { size: v.checkpoint.size, root: v.checkpoint.root.toString("base64") } : { size: null, root: null };
    if (s.done && s.done.size === claimed.size && s.done.root === claimed.root) {
      s.stamp = stamp;
      return;
    }
    if (v.state === "bad") return this.record(s, host, stamp, claimed, null, "witness_bad_signature", v.reason);
    const { size, root } = claimed as { size: number; root: string };
    const at = await this.hash(host, s, paths.audit, size);
    if (!at) {
      s.stamp = stamp; // the log is behind its checkpoint here: witnessed once it catches up
      return;
    }
    const g = s.good;
    if (g && !(g.size === 0 ? g.root === EMPTY_ROOT.toString("base64") : s.goodHolds)) {
      return this.record(s, host, stamp, claimed, v.key, "witness_inconsistent", `the log no longer holds what was witnessed at size ${g.size}`);
    }
    if (at.root !== root) return this.record(s, host, stamp, claimed, v.key, "witness_inconsistent", "the checkpoint's root is not the root of the log");
    if (at.key !== v.key) return this.record(s, host, stamp, claimed, v.key, "witness_bad_signature", "signed by a key that is not the log's epoch key");
    if (g && (size < g.size || s.hasher.lastOwn <= g.size)) {
      // An older checkpoint, or one that adds only the host's own witness records (of this host's
      // checkpoints, say): consistent, and nothing to record, or two hosts would witness each
      // other's witness records for ever. Kept as witnessed here; the next record of substance is.
      if (size > g.size) s.good = { size, root, key: v.key };
      s.done = claimed;
      s.stamp = stamp;
      return;
    }
    this.record(s, host, stamp, claimed, v.key, null, null);
  }

  /**
   * The root and epoch key of the first `size` leaves of the host's log (the hasher also passes
   * the witnessed size, checking it), hashed on from where it stopped; null while the log has
   * fewer leaves. A log rewritten under the hasher (shorter, its first or last hashed line
   * changed) is rehashed from the start.
   */
  private async hash(host: string, s: HostState, path: string, size: number): Promise<{ root: string; key: string | null } | null> {
    let fd: number;
    try {
      fd = openNoFollow(path, "r");
    } catch {
      return null;
    }
    try {
      const intact = s.hasher.intact(fd);
      if (!intact || s.hasher.size > size) {
        if (!intact) this.o.log.warn(`witness: ${host}'s audit log was rewritten since it was last read`, { event: "witness_log_rewritten", host });
        s.hasher = new PrefixHasher();
        s.goodHolds = null;
      }
      const h = s.hasher;
      const target = Math.max(size, s.good?.size ?? 0);
      let at = h.size === size ? { root: h.frontier.root().toString("base64"), key: h.epochKey } : null;
      const onLeaf = (n: number) => {
        if (n === size) at = { root: h.frontier.root().toString("base64"), key: h.epochKey };
        if (n === s.good?.size) s.goodHolds = h.frontier.root().toString("base64") === s.good.root;
      };
      for (;;) {
        const before = h.offset;
        if (h.advance(fd, target, this.o.sliceBytes, onLeaf)) break;
        if (this.closed || h.offset === before || h.offset >= fstatSync(fd).size) return null;
        await yieldTurn();
      }
      return at;
    } finally {
      closeSync(fd);
    }
  }

  private record(
    s: HostState,
    host: string,
    stamp: string,
    cp: { size: number | null; root: string | null },
    key: string | null,
    kind: "witness_inconsistent" | "witness_bad_signature" | null,
    reason: string | null,
  ): void {
    const detail = { host, size: cp.size, root: cp.root, key };
    if (kind === null) {
      this.o.audit.append({ action: "witness", outcome: "ok", detail });
      s.good = { size: cp.size!, root: cp.root!, key };
      s.goodHolds = true;
    } else {
      this.o.audit.append({ action: "witness", outcome: "error", kind, detail: { ...detail, witnessed: s.good, reason } });
      this.o.log.warn(`witness: ${host}'s checkpoint at size ${cp.size} fails: ${reason}`, {
        event: "witness_failed",
        host,
        kind,
        size: cp.size,
        witnessed: s.good,
      });
    }
    s.done = cp;
    s.stamp = stamp;
  }
}

/** The note of the last complete line of a checkpoints file that is one (`{"note": ...}`); null when none (or a symlink). */
function newestNote(path: string): string | null {
  const newest = (fd: number) =>
    lastCompleteLine(fd, fstatSync(fd).size, (line) => {
      try {
        const note = (JSON.parse(line) as { note?: unknown }).note;
        return typeof note === "string" ? note : null;
      } catch {
        return null;
      }
    }).last;
  return withFile(path, newest, (p) => openNoFollow(p, "r")) ?? null;
}
