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
        return r;
      }
      case "expiry": {
        const r = this.requests.get(rec.request);
        if (r) Object.assign(r, { state: "expired", decidedAt: rec.ts });
        return r;
      }
      case "grant_end":
        this.grants.delete(rec.grant);
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
        decided--;
      }
    }
  }
}
