// Approval requests and grants: what a read needing a person's approval waits on. A request is
// pending until a person approves or denies it, or it expires (config approvals.timeoutSecs); an
// approval is a grant for the session's reads of that entry, for a time or for one read. Every
// change is appended (fdatasynced) to approvals/<host>.jsonl before it takes effect and is
// audited; the file is replayed at start, so a pending request survives a restart and can still
// be decided. Grants do not outlive the daemon: its sessions and vault keys end with it, and a
// grant ends with either (endAtStart).
import { join } from "node:path";
import type { ApprovalRequest, Grant } from "../../../protocol/index.js";
import type { AuditFields, AuditLog } from "../../ledger/audit-log.js";
import { uuidv7 } from "../../ledger/ids.js";
import type { Logger } from "../../platform/log.js";
import { ensurePrivateDir } from "../../platform/secure-dir.js";
import { RpcError } from "../../rpc/errors.js";
import { ApprovalJournal, type AskedRequest, type GrantEndReason } from "./journal.js";
import { ApprovalState } from "./state.js";
import { Timers } from "./timers.js";

/**
 * What a read that needs approval asks for. `holder`: the asking process (pid:start time) when its
 * session cannot be told; such an agent is nobody's but its own, so it shares no request or grant.
 */
export type Asking = Omit<AskedRequest, "id" | "ts" | "expiresAt"> & { holder?: string | null };
export type Decider = Grant["by"];
export type ApprovalEvent = { type: "requested"; request: ApprovalRequest } | { type: "decided"; request: ApprovalRequest; grant: Grant | null };
/** How a wait on a request ended. */
export type WaitOutcome = "approved" | "denied" | "expired" | "timeout" | "gone" | "shutdown";

export interface DecideParams {
  request: string;
  decision: "approve" | "deny";
  for?: number;
  once?: boolean;
  reason?: string;
}

export class ApprovalService extends ApprovalState {
  private readonly timers = new Timers();
  private readonly waiters = new Map<string, Set<(o: WaitOutcome) => void>>();
  private readonly listeners = new Set<(e: ApprovalEvent) => void>();
  private readonly journal: ApprovalJournal;
  private stopping = false;

  /** Replays $home/approvals/<host>.jsonl (creating the directory, private, when missing). */
  constructor(
    home: string,
    host: string,
    private readonly audit: AuditLog,
    /** config approvals.timeoutSecs: a request expires this long after it is made. */
    readonly timeoutSecs: number,
    private readonly log: Logger,
    private readonly mask: (text: string) => string = (t) => t,
  ) {
    super();
    ensurePrivateDir(join(home, "approvals"), { tighten: false });
    this.journal = new ApprovalJournal(join(home, "approvals", `${host}.jsonl`), (r) => this.apply(r));
    for (const r of this.requests.values()) if (r.state === "pending") this.timers.at(r.id, Date.parse(r.expiresAt), () => this.expire(r.id));
    for (const g of this.grants.values()) this.armGrant(g);
  }

  /**
   * The grant in force for (session, vault, name), if any; a one-read grant is used up by this call
   * (durably, before it returns). Session null: only a grant made for this very process (`holder`).
   */
  use(session: string | null, vault: string, name: string, holder: string | null = null): Grant | null {
    for (const g of this.grants.values()) {
      if (g.session !== session || g.vault !== vault || g.name !== name || !this.holds(g.id, session, holder)) continue;
      if (g.until !== null && Date.parse(g.until) <= Date.now()) {
        this.endGrant(g, "expired");
        continue;
      }
      if (g.once) this.endGrant(g, "used"); // synchronous: a concurrent read finds it gone
      return g;
    }
    return null;
  }

  /** The pending request of this session for this entry, or a new one. */
  ask({ holder = null, ...a }: Asking): ApprovalRequest {
    for (const r of this.requests.values()) {
      if (r.state === "pending" && r.session === a.session && r.vault === a.vault && r.name === a.name && this.holds(r.id, a.session, holder)) return r;
    }
    const now = Date.now();
    const asked: AskedRequest = {
      ...a,
      id: `r-${uuidv7(now)}`,
      ts: new Date(now).toISOString(),
      expiresAt: new Date(now + this.timeoutSecs * 1000).toISOString(),
    };
    this.record({
      action: "approval_request",
      ...this.about(asked),
      scope: a.scope ?? undefined,
      reason: a.reason,
      detail: { request: asked.id, peer: a.peer },
    });
    const request = this.apply(this.journal.append({ type: "request", request: asked, ...(a.session === null && holder ? { holder } : {}) }));
    this.timers.at(asked.id, Date.parse(asked.expiresAt), () => this.expire(asked.id));
    this.emit({ type: "requested", request: request! });
    return request!;
  }

  /** Waits (at most `ms`) for the request to leave the pending state, or for `closed` (the caller went away). */
  wait(id: string, ms: number, closed: Promise<void>): Promise<WaitOutcome> {
    const r = this.requests.get(id);
    if (r?.state !== "pending") return Promise.resolve(r ? outcomeOf(r.state) : "expired");
    if (this.stopping) return Promise.resolve("shutdown");
    return new Promise((resolve) => {
      let set = this.waiters.get(id);
      if (!set) this.waiters.set(id, (set = new Set()));
      const waiters = set;
      const done = (o: WaitOutcome): void => {
        if (!waiters.delete(done)) return;
        clearTimeout(timer);
        resolve(o);
      };
      // A wait that outlasts the request is ended by its expiry, not by a timer of its own.
      const timer = Date.now() + ms >= Date.parse(r.expiresAt) ? undefined : setTimeout(() => done("timeout"), ms);
      waiters.add(done);
      void closed.then(() => done("gone")); // dropped: an approval later is never handed to it
    });
  }

  decide(p: DecideParams, by: Decider): { request: ApprovalRequest; grant: Grant | null } {
    const r = this.requests.get(p.request);
    if (!r) throw new RpcError("not_found", `no approval request ${p.request}`, { request: p.request });
    if (r.state !== "pending") throw new RpcError("conflict", `request ${p.request} is ${r.state} already`, { request: p.request, state: r.state });
    const bad =
      p.decision === "deny"
        ? p.for !== undefined || p.once !== undefined
          ? "for and once"
          : null
        : p.for !== undefined && p.once
          ? "both for and once"
          : null;
    if (bad) throw new RpcError("invalid_params", `${p.decision} does not take ${bad}`, { issues: [{ code: "custom", path: [], message: bad }] });
    const now = Date.now();
    const reason = p.reason === undefined ? undefined : this.mask(p.reason);
    let grant: Grant | undefined;
    if (p.decision === "approve") {
      const until = p.for === undefined ? null : new Date(now + p.for * 1000).toISOString();
      grant = {
        id: `g-${uuidv7(now)}`,
        ts: new Date(now).toISOString(),
        session: r.session,
        vault: r.vault,
        name: r.name,
        until,
        once: until === null,
        request: r.id,
        by,
      };
    }
    this.record({
      action: "approval_decision",
      ...this.about(r),
      detail: {
        request: r.id,
        decision: p.decision,
        by,
        ...(reason === undefined ? {} : { reason }),
        ...(grant ? { grant: grant.id, until: grant.until, once: grant.once } : {}),
      },
    });
    this.apply(
      this.journal.append({
        type: "decision",
        request: r.id,
        decision: p.decision,
        by,
        ...(reason === undefined ? {} : { reason }),
        ...(grant ? { grant } : {}),
      }),
    );
    if (grant) this.armGrant(grant);
    this.settle(r, grant ?? null);
    return { request: { ...r }, grant: grant ?? null };
  }

  revoke(id: string): void {
    const g = this.grants.get(id);
    if (!g) throw new RpcError("not_found", `no grant ${id} in force`, { grant: id });
    this.endGrant(g, "revoked");
  }

  /** The session ended: its grants end with it. */
  sessionEnded(session: string): void {
    for (const g of [...this.grants.values()]) if (g.session === session) this.ending(g, "session_ended");
  }

  /**
   * The daemon starts: no session and no vault key of the one before it remain, so every grant
   * found in force ended with them (reason daemon_restarted). Pending requests stay: a person can
   * still decide them.
   */
  endAtStart(): void {
    for (const g of [...this.grants.values()]) this.ending(g, "daemon_restarted");
  }

  /** The vault was locked or evicted: grants on it end. */
  vaultLocked(vault: string): void {
    for (const g of [...this.grants.values()]) if (g.vault === vault) this.ending(g, "vault_locked");
  }

  /** Hears each new request and each decision or expiry; returns the unsubscribe. */
  subscribe(listener: (e: ApprovalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The daemon stops: waiting reads are answered approval_pending now (their requests stay), and no new wait starts. */
  stopWaiting(): void {
    this.stopping = true;
    for (const set of this.waiters.values()) for (const w of [...set]) w("shutdown");
  }

  /** After stopWaiting: nothing more is written. */
  dispose(): void {
    this.stopWaiting();
    this.timers.clearAll();
    this.listeners.clear();
    this.journal.close();
  }

  private expire(id: string): void {
    const r = this.requests.get(id);
    if (r?.state !== "pending") return;
    try {
      this.record({ action: "approval_expired", ...this.about(r), detail: { request: id } });
      this.apply(this.journal.append({ type: "expiry", request: id }));
    } catch (err) {
      this.log.error("could not record a request's expiry; retrying in a second", { event: "approval_expiry_failed", error: (err as Error).message });
      this.timers.at(id, Date.now() + 1000, () => this.expire(id));
      return;
    }
    this.settle(r, null);
  }

  /** A grant's end from an event (session end, lock) or a timer: a failure to record it is logged, and the grant ends in memory all the same. */
  private ending(g: Grant, reason: GrantEndReason): void {
    try {
      this.endGrant(g, reason);
    } catch (err) {
      this.grants.delete(g.id);
      this.timers.clear(g.id);
      this.log.error("could not record a grant's end", { event: "grant_end_failed", grant: g.id, reason, error: (err as Error).message });
    }
  }

  private endGrant(g: Grant, reason: GrantEndReason): void {
    this.record({ action: "grant_end", ...this.about(g), detail: { grant: g.id, reason } });
    this.apply(this.journal.append({ type: "grant_end", grant: g.id, reason }));
    this.timers.clear(g.id);
  }

  private armGrant(g: Grant): void {
    if (g.until !== null) this.timers.at(g.id, Date.parse(g.until), () => this.ending(g, "expired"));
  }

  /** Waiters of a request that left the pending state are answered; subscribers told. */
  private settle(r: ApprovalRequest, grant: Grant | null): void {
    this.timers.clear(r.id);
    const set = this.waiters.get(r.id);
    this.waiters.delete(r.id);
    for (const w of [...(set ?? [])]) w(outcomeOf(r.state));
    this.emit({ type: "decided", request: { ...r }, grant });
  }

  /** A session's request or grant is its session's; one of an unknown session, only its own process's (none when that cannot be told). */
  private holds(id: string, session: string | null, holder: string | null): boolean {
    return session !== null || (holder !== null && this.holders.get(id) === holder);
  }

  private about(x: { session: string | null; vault: string; name: string }): Pick<AuditFields, "outcome" | "vault" | "name" | "session"> {
    return { outcome: "ok", vault: x.vault, name: x.name, ...(x.session ? { session: x.session } : {}) };
  }

  /** Audited before the change is made: a change that cannot be audited is not made (unavailable). */
  private record(fields: AuditFields): void {
    try {
      this.audit.append(fields);
    } catch (err) {
      this.log.error("audit append failed", { event: "audit_failed", error: (err as Error).message });
      throw new RpcError("unavailable", "the audit log cannot be written; see daemon.log", { reason: "audit_failed" });
    }
  }

  private emit(e: ApprovalEvent): void {
    for (const l of this.listeners) l(e);
  }
}

function outcomeOf(state: ApprovalRequest["state"]): WaitOutcome {
  return state === "approved" ? "approved" : state === "denied" ? "denied" : state === "expired" ? "expired" : "timeout";
}
