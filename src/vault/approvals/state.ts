// The approvals this daemon holds, in memory: the requests (every pending one, and the latest
// decided or expired ones), and the grants in force. Changed only by records of the journal, at
// replay and after each append, so memory and file cannot disagree.
import type { ApprovalRequest, Grant } from "../../../protocol/index.js";
import type { JournalRecord } from "./journal.js";

/** Decided and expired requests kept for approvals.list (pending ones are always kept). */
const KEEP_DECIDED = 1000;

export class ApprovalState {
  protected readonly requests = new Map<string, ApprovalRequest>();
  protected readonly grants = new Map<string, Grant>();
  /**
   * The process (pid:start time) a request of an agent whose session cannot be told was asked by,
   * and a grant made by approving it: only that process may use them (see ApprovalService.use).
   */
  protected readonly holders = new Map<string, string>();

  get(id: string): ApprovalRequest | undefined {
    const r = this.requests.get(id);
    return r && { ...r };
  }

  list(filter: { session?: string; state?: ApprovalRequest["state"] } = {}): ApprovalRequest[] {
    return [...this.requests.values()]
      .filter((r) => (!filter.session || r.session === filter.session) && (!filter.state || r.state === filter.state))
      .map((r) => ({ ...r }));
  }

  grantsInForce(filter: { session?: string } = {}): Grant[] {
    const now = Date.now();
    return [...this.grants.values()].filter((g) => (!filter.session || g.session === filter.session) && (g.until === null || Date.parse(g.until) > now));
  }

  /** One record's effect on the state, at replay and after each append. */
  protected apply(rec: JournalRecord): ApprovalRequest | undefined {
    switch (rec.type) {
      case "request": {
        const r: ApprovalRequest = { ...rec.request, state: "pending", decidedAt: null, by: null, denyReason: null, grant: null };
        this.requests.set(r.id, r);
        if (rec.holder) this.holders.set(r.id, rec.holder);
        this.trim();
        return r;
      }
      case "decision": {
        const r = this.requests.get(rec.request);
        if (r)
          Object.assign(r, {
            state: rec.decision === "approve" ? "approved" : "denied",
            decidedAt: rec.ts,
            by: rec.by,
            denyReason: rec.reason ?? null,
            grant: rec.grant?.id ?? null,
          });
        if (rec.grant) this.grants.set(rec.grant.id, rec.grant);
        const holder = this.holders.get(rec.request);
        if (rec.grant && holder) this.holders.set(rec.grant.id, holder);
        return r;
      }
      case "expiry": {
        const r = this.requests.get(rec.request);
        if (r) Object.assign(r, { state: "expired", decidedAt: rec.ts });
        return r;
      }
      case "grant_end":
        this.grants.delete(rec.grant);
        this.holders.delete(rec.grant);
        return undefined;
    }
  }

  private trim(): void {
    let decided = 0;
    for (const r of this.requests.values()) if (r.state !== "pending") decided++;
    for (const [id, r] of this.requests) {
      if (decided <= KEEP_DECIDED) break;
      if (r.state !== "pending") {
        this.requests.delete(id);
        this.holders.delete(id);
        decided--;
      }
    }
  }
}
