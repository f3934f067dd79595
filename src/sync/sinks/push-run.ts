// One push (PostgresSink.push): sessions planned in order (plan.ts), small ones committed in groups
// sharing a transaction, a large one alone with its events read page by page. A session's
// fingerprint is written in the same transaction as its rows. A statement PostgreSQL refuses
// (a row it cannot take) fails only its session: the group is retried one session at a time.
import type pg from "pg";
import type { SecretValues } from "../../masking/secret-values.js";
import { RpcError } from "../../rpc/errors.js";
import { changeToken, eventsHasher, hashEvent, peek, sessionFingerprint } from "./fingerprint.js";
import type { ProjectionReader } from "../../projection/reader.js";
import type { OutgoingEvents } from "./outgoing.js";
import { deleteRanges, planSession, type PgState, type Plan } from "./plan.js";
import { isStatementError, pgQuery } from "./pg-target.js";
import { BATCH_ROWS, PgWriter } from "./pg-writer.js";

export type SessionOutcome = "new" | "appended" | "updated" | "unchanged" | "failed";

export interface PushProgress {
  /** Sessions examined so far, of `total` (sessions whose change token is unchanged are counted at the start). */
  done: number;
  total: number;
  host: string;
  session: string;
  outcome: SessionOutcome;
  /** Event rows sent for this session (PostgreSQL writes only those that differ from what it has). */
  rows: number;
}

export interface PushOptions {
  /** $WARDEN_HOME: where ledger lines too long for the projection are read from. */
  home: string;
  /** Secret values to mask in those lines besides the token rules (the daemon's; none in direct mode). */
  secrets?: SecretValues;
  /** Only this host's sessions; default all sessions in the projection. */
  onlyHost?: string;
  /** Called once per session examined, after its rows are committed; awaited. */
  onProgress?: (p: PushProgress) => void | Promise<void>;
}

export interface PushResult {
  sessions: number;
  pushedSessions: number;
  unchangedSessions: number;
  failedSessions: number;
  /** Sessions that could not be pushed (a ledger line gone, a row PostgreSQL refused); the rest went. */
  failures: Array<{ host: string; session: string; kind: string; message: string }>;
  /** Event rows PostgreSQL inserted, updated and deleted (its own counts: equal rows are not written). */
  insertedRows: number;
  updatedRows: number;
  deletedRows: number;
  /** Secrets and tokens masked in event data read from ledger lines on the way out (the projection's own rows are masked already). */
  masked: number;
  /** Audit checkpoints PostgreSQL stored (new ones only), and those it already held a different note for (a rewritten log). */
  checkpoints: number;
  checkpointConflicts: number;
  durationMs: number;
}

/** Small sessions share a transaction until it holds this many event rows or sessions. */
const GROUP_ROWS = 4 * BATCH_ROWS;
const GROUP_SESSIONS = 500;

const keyOf = (host: string, id: string): string => `${host}\u0000${id}`;

/** One push: plans sessions in order, commits small ones in groups and large ones alone. */
export class PushRun {
  readonly result: Omit<PushResult, "durationMs" | "checkpoints" | "checkpointConflicts"> = {
    sessions: 0,
    pushedSessions: 0,
    unchangedSessions: 0,
    failedSessions: 0,
    failures: [],
    insertedRows: 0,
    updatedRows: 0,
    deletedRows: 0,
    masked: 0,
  };
  private done = 0;
  private group: Array<{ plan: Plan; token: string }> = [];
  private groupRows = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly reader: ProjectionReader,
    private readonly outgoing: OutgoingEvents,
    private readonly known: Map<string, string>,
    private readonly opts: PushOptions,
  ) {}

  async all(): Promise<void> {
    const sessions = this.reader.sessions(this.opts.onlyHost);
    this.result.sessions = sessions.length;
    const candidates = sessions.filter((s) => this.known.get(keyOf(s.host, s.id)) !== changeToken(s));
    this.result.unchangedSessions = this.done = sessions.length - candidates.length;
    const states = await this.pgStates(candidates.map((s) => [s.host, s.id]));
    for (const s of candidates) {
      let plan: Plan | undefined;
      try {
        plan = planSession(this.reader, this.outgoing, s.id, states.get(keyOf(s.host, s.id)));
      } catch (err) {
        await this.fail(s.host, s.id, err);
        continue;
      }
      if (!plan) {
        this.result.sessions--; // gone since the list was read
        continue;
      }
      const token = changeToken(plan.session);
      if (plan.mode === "skip") {
        this.known.set(keyOf(plan.session.host, plan.session.id), token);
        this.result.unchangedSessions++;
        await this.progress(plan.session.host, plan.session.id, "unchanged", 0);
      } else if (plan.rows) {
        this.group.push({ plan, token });
        this.groupRows += plan.rows.length;
        if (this.groupRows >= GROUP_ROWS || this.group.length >= GROUP_SESSIONS) await this.commitGroup();
      } else {
        await this.commitGroup();
        await this.pushLarge(plan, token);
      }
    }
    await this.commitGroup();
    this.result.masked = Object.values(this.outgoing.hits).reduce((a, b) => a + b, 0);
  }

  /** PostgreSQL's fingerprints for these sessions. */
  private async pgStates(keys: Array<[string, string]>): Promise<Map<string, PgState>> {
    const out = new Map<string, PgState>();
    for (let i = 0; i < keys.length; i += 5000) {
      const chunk = keys.slice(i, i + 5000);
      const r = await pgQuery<{ host: string; id: string; fingerprint: string; events_fingerprint: string; events_last_seq: string }>(
        this.client,
        `SELECT s.host, s.id, s.fingerprint, s.events_fingerprint, s.events_last_seq FROM warden_sessions s
         JOIN unnest($1::text[], $2::text[]) AS k(host, id) ON s.host = k.host AND s.id = k.id`,
        [chunk.map((k) => k[0]), chunk.map((k) => k[1])],
      );
      for (const row of r.rows)
        out.set(keyOf(row.host, row.id), {
          fingerprint: row.fingerprint,
          eventsFingerprint: row.events_fingerprint,
          eventsLastSeq: Number(row.events_last_seq),
        });
    }
    return out;
  }

  /** Commits the held small sessions in one transaction; on a refused row, each alone. */
  private async commitGroup(group = this.group): Promise<void> {
    if (group === this.group) {
      this.group = [];
      this.groupRows = 0;
    }
    if (group.length === 0) return;
    const writer = new PgWriter(this.client);
    try {
      await pgQuery(this.client, "BEGIN");
      for (const { plan } of group) {
        const { host, id } = plan.session;
        await writer.addEvents(plan.rows!);
        for (const [lo, hi] of plan.ranges) writer.deleteRange(host, id, lo, hi);
        writer.addSession({ session: plan.session, fingerprint: plan.fingerprint, eventsFingerprint: plan.eventsFingerprint, eventsLastSeq: plan.lastSeq });
      }
      await writer.finish();
      await pgQuery(this.client, "COMMIT");
    } catch (err) {
      await this.client.query("ROLLBACK").catch(() => {});
      if (!isStatementError(err)) throw err;
      if (group.length > 1) {
        for (const one of group) await this.commitGroup([one]);
      } else await this.fail(group[0]!.plan.session.host, group[0]!.plan.session.id, err);
      return;
    }
    this.count(writer);
    for (const { plan, token } of group) {
      this.known.set(keyOf(plan.session.host, plan.session.id), token);
      this.result.pushedSessions++;
      await this.progress(plan.session.host, plan.session.id, outcome(plan), plan.rows!.length);
    }
  }

  /**
   * A session too large to hold: its events read in pages and sent in batches, in a transaction
   * of its own. The fingerprint stored is hashed from the rows as sent, so it describes exactly
   * what PostgreSQL holds even if the projection changed since the plan.
   */
  private async pushLarge(plan: Plan, token: string): Promise<void> {
    const { host, id } = plan.session;
    const writer = new PgWriter(this.client);
    const h = plan.mode === "append" ? plan.prefix.copy() : eventsHasher();
    let after = plan.after;
    const sent: number[] = [];
    try {
      await pgQuery(this.client, "BEGIN");
      for (;;) {
        const page = this.reader.eventsAfter(id, after, BATCH_ROWS);
        if (page.length === 0) break;
        for (const e of page) hashEvent(h, e);
        await writer.addEvents(this.outgoing.of(host, page));
        for (const e of page) sent.push(e.seq);
        after = page[page.length - 1]!.seq;
      }
      for (const [lo, hi] of deleteRanges(plan.after, sent)) writer.deleteRange(host, id, lo, hi);
      const eventsFingerprint = peek(h);
      writer.addSession({ session: plan.session, fingerprint: sessionFingerprint(plan.session, eventsFingerprint), eventsFingerprint, eventsLastSeq: after });
      await writer.finish();
      await pgQuery(this.client, "COMMIT");
    } catch (err) {
      await this.client.query("ROLLBACK").catch(() => {});
      if (err instanceof RpcError || isStatementError(err)) return this.fail(host, id, err); // this session's problem
      throw err;
    }
    this.count(writer);
    // The token from the plan: a change since then makes the next push look at the session again.
    this.known.set(keyOf(host, id), token);
    this.result.pushedSessions++;
    await this.progress(host, id, outcome(plan), sent.length);
  }

  private count(w: PgWriter): void {
    this.result.insertedRows += w.counts.insertedRows;
    this.result.updatedRows += w.counts.updatedRows;
    this.result.deletedRows += w.counts.deletedRows;
  }

  private async fail(host: string, session: string, err: unknown): Promise<void> {
    const kind = err instanceof RpcError ? err.kind : "internal";
    const message = err instanceof Error ? err.message : String(err);
    this.result.failedSessions++;
    this.result.failures.push({ host, session, kind, message });
    await this.progress(host, session, "failed", 0);
  }

  private async progress(host: string, session: string, outcome: SessionOutcome, rows: number): Promise<void> {
    this.done++;
    await this.opts.onProgress?.({ done: this.done, total: this.result.sessions, host, session, outcome, rows });
  }
}

const outcome = (plan: Plan): SessionOutcome => (plan.isNew ? "new" : plan.mode === "append" ? "appended" : "updated");
