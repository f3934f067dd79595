// The session supervisor: launches PTY and task sessions under the policy, owns the live ones,
// routes input, resize and signals to them, and stops them when the daemon stops. One per daemon.
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/log.js";
import { bootId, processStartTime } from "../platform/proc.js";
import { uuidv7 } from "../ledger/ids.js";
import type { AuditFields } from "../ledger/audit-log.js";
import type { LedgerWriter } from "../ledger/writer.js";
import type { SecretValues } from "../masking/secret-values.js";
import { sessionOut } from "../projection/read-wire.js";
import { foldSession } from "../projection/rows.js";
import type { ProjectionStore } from "../projection/store.js";
import type { CallContext, PeerRole } from "../rpc/context.js";
import { RpcError } from "../rpc/errors.js";
import type { ReadRequest } from "../vault/read-path.js";
import type { SessionChild, SpawnSpec } from "./child.js";
import { credentialScope, notRecorded, readInjected, recordedScope, type CredentialScope } from "./credentials.js";
import { EventHub } from "./hub.js";
import { LiveSession, maskArgv } from "./live-session.js";
import { SessionLeaders } from "./peer-session.js";
import { planLaunch } from "./policy.js";
import { PtyChild } from "./pty-child.js";
import { replayScreen } from "./replay.js";
import { PtyReaders } from "./pty-readers.js";
import { Screens } from "./screens.js";
import { DurableEvents } from "./store.js";
import { TaskChild } from "./task-child.js";

type Session = ResultOf<"sessions.get">;

export interface SupervisorDeps {
  writer: LedgerWriter;
  projection: ProjectionStore;
  secrets: SecretValues;
  /** Reads a secret for injection, audited like vault.get. */
  readSecret(p: ReadRequest, ctx: CallContext): string;
  /** Appends an audit record of a person's act (a scope change), the peer observed. */
  audit(fields: AuditFields, ctx: CallContext): void;
  config: Config["sessions"];
  host: string;
  /** The user's home (not WARDEN_HOME): the project root when sessions.projects is empty. */
  home: string;
  agentSocket: string;
  /** The user's umask, for what sessions create. */
  umask: number;
  /** The environment sessions start from (the daemon's, less warden's own variables). */
  baseEnv: NodeJS.ProcessEnv;
  log: Logger;
  /** Told when a launched session has ended (its grants end with it). */
  onEnded?: (session: string) => void;
}

const ENDING_SIGNALS = new Set(["SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT"]);

export class SessionSupervisor {
  private readonly live = new Map<string, LiveSession>();
  private readonly titles = new Map<string, string>();
  private readonly leaders = new SessionLeaders();
  readonly hub: EventHub;
  private readonly screens: Screens;
  private readonly readers: PtyReaders;
  private stopping = false;

  constructor(private readonly deps: SupervisorDeps) {
    this.hub = new EventHub(new DurableEvents(deps.writer, deps.projection), (session, err) =>
      deps.log.warn("event stream read failed; retrying", { event: "subscription_read_failed", session, error: (err as Error).message }),
    );
    this.screens = new Screens(deps.log);
    this.readers = new PtyReaders(deps.log);
  }

  get liveCount(): number {
    return this.live.size;
  }

  async launch(p: ParamsOf<"sessions.launch">, ctx: CallContext): Promise<Session> {
    const d = this.deps;
    if (this.stopping) throw new RpcError("shutting_down", "the daemon is shutting down");
    if (this.live.size >= d.config.maxLive) {
      throw new RpcError("unavailable", `${this.live.size} sessions are running, the configured maximum (sessions.maxLive)`, { reason: "max_live" });
    }
    const plan = planLaunch({ cols: 80, rows: 24, mode: "pty", ...p }, d.config, d.home, d.baseEnv);
    const id = uuidv7();
    const credentials = credentialScope(p);
    const secretEnv = readInjected(p, credentials.scopes, { session: id, title: plan.title }, d.readSecret, ctx);
    for (const value of Object.values(secretEnv)) d.secrets.add(value); // masked in everything this session (or any other) records from now on
    const env: Record<string, string> = { ...plan.env, ...secretEnv, WARDEN_SESSION_ID: id, WARDEN_SOCKET: d.agentSocket };
    if (plan.mode === "pty") env.TERM = plan.env.TERM && plan.env.TERM !== "dumb" ? plan.env.TERM : "xterm-256color";
    const spec: SpawnSpec = { file: plan.file, argv: plan.argv, cwd: plan.cwd, env, cols: plan.cols, rows: plan.rows, umask: d.umask };
    let child: SessionChild;
    try {
      child = plan.mode === "pty" ? new PtyChild(spec, this.readers) : new TaskChild(spec);
    } catch (err) {
      throw new RpcError("unavailable", `cannot start ${plan.argv[0]}: ${(err as Error).message}`, { reason: "spawn_failed" });
    }
    const session = new LiveSession(id, plan.mode, child, processStartTime(child.pid), plan, {
      writer: d.writer,
      hub: this.hub,
      secrets: d.secrets,
      screens: this.screens,
      output: { coalesceMs: d.config.coalesceMs, coalesceBytes: d.config.coalesceBytes, holdMs: d.config.maskHoldMs },
      scrollback: d.config.scrollback,
      onRecordFailed: (s, err) => this.recordFailed(s, err),
      credentials,
    });
    this.live.set(id, session);
    const title = maskArgv([p.title ?? plan.title], d.secrets)[0]!; // recorded and searchable: a title may quote a secret
    this.titles.set(id, title);
    if (session.startTime !== null) this.leaders.launched(child.pid, id, Number(session.startTime));
    const { event, durable } = session.recordDurable("launch", {
      kind: plan.mode,
      mode: plan.mode,
      title,
      harness: plan.harness,
      argv: maskArgv(plan.argv, d.secrets),
      cwd: plan.cwd,
      cols: plan.cols,
      rows: plan.rows,
      pid: child.pid,
      pgid: child.pgid,
      startTime: session.startTime,
      bootId: bootId(),
      env: Object.keys(p.env ?? {}),
      secrets: Object.keys(secretEnv), // names only
      ...recordedScope(credentials, d.secrets),
    });
    session.start(event.seq);
    void session.done.then(() => {
      this.live.delete(id);
      this.titles.delete(id);
      this.leaders.forgetEnded((s) => this.live.has(s));
      d.onEnded?.(id);
    });
    d.log.info("session launched", { event: "session_launched", session: id, mode: plan.mode, harness: plan.harness, pid: child.pid, peer: ctx.peer.pid });
    try {
      await durable;
    } catch (err) {
      session.signal("SIGKILL", "ledger_failed");
      throw new RpcError("unavailable", `the session could not be recorded (${(err as Error).message}); it was stopped`, { reason: "ledger_failed" });
    }
    return { ...sessionOut(foldSession(null, event, d.host)), live: !session.ended };
  }

  input(p: ParamsOf<"sessions.input">): ResultOf<"sessions.input"> {
    const s = this.running(p.session!);
    const data = Buffer.from(p.data ?? "", p.encoding === "base64" ? "base64" : "utf8");
    s.type(data, p.eof ?? false);
    return { bytes: data.length };
  }

  resize(p: ParamsOf<"sessions.resize">): ResultOf<"sessions.resize"> {
    const s = this.running(p.session);
    if (s.mode !== "pty") throw new RpcError("conflict", `session ${p.session} is a task: it has no terminal to resize`, { session: p.session });
    return { seq: s.resize(p.cols, p.rows) };
  }

  kill(p: ParamsOf<"sessions.kill">): ResultOf<"sessions.kill"> {
    const s = this.running(p.session);
    const signal = p.signal ?? (s.mode === "pty" ? "SIGHUP" : "SIGTERM");
    s.signal(signal, ENDING_SIGNALS.has(signal) ? "killed" : null);
    return { session: p.session, signal, pid: s.child.pid };
  }

  async archive(id: string): Promise<Session> {
    if (this.live.get(id)?.ended === false) throw new RpcError("conflict", `session ${id} is running: kill it first`, { session: id });
    await this.caughtUp(id);
    const current = this.deps.projection.reader.getSession(id);
    if (current.host !== this.deps.host) {
      throw new RpcError("conflict", `session ${id} belongs to host ${current.host}: archive it there`, { session: id, host: current.host });
    }
    if (current.state === "open") throw new RpcError("conflict", `log session ${id} is open: close it first`, { session: id });
    if (current.archived) return this.withLiveness(current);
    await this.deps.writer.append(current.id, "archive", {}); // current.id: `id` may be an imported session's tool id
    return this.get(current.id);
  }

  /** sessions.setScope (a person's: agents are refused by the dispatcher): audited and recorded (masked), then in force from the next read. */
  async setScope(p: ParamsOf<"sessions.setScope">, ctx: CallContext): Promise<ResultOf<"sessions.setScope">> {
    const [s, credentials, recorded] = [this.running(p.session), credentialScope(p), recordedScope(credentialScope(p), this.deps.secrets)];
    this.deps.audit({ action: "set_scope", outcome: "ok", session: s.id, detail: recorded }, ctx);
    const { event, durable } = s.recordDurable("scope", recorded);
    await durable.catch(notRecorded);
    s.credentials = credentials;
    return { session: s.id, seq: event.seq, credentials };
  }

  /** A running session's credential scope, or null once it has ended (or was never launched here). */
  credentialsOf(session: string): CredentialScope | null {
    const s = this.live.get(session);
    return s && !s.ended ? s.credentials : null;
  }

  async snapshot(p: ParamsOf<"sessions.snapshot">): Promise<ResultOf<"sessions.snapshot">> {
    const scrollback = p.scrollback ?? 0;
    const s = this.live.get(p.session);
    if (s && s.mode === "task") throw new RpcError("conflict", `session ${p.session} is a task: it has no screen (read its events)`, { session: p.session });
    if (s && !s.ended) {
      try {
        return { session: p.session, ...(await this.screens.snapshot(p.session, scrollback)), live: true };
      } catch {
        // the screen worker was replaced: rebuild from the record instead
      }
    }
    await this.caughtUp(p.session);
    const session = this.deps.projection.reader.getSession(p.session);
    if (session.kind !== "pty") throw new RpcError("conflict", `session ${p.session} is not a PTY session: it has no screen`, { session: p.session });
    return {
      session: p.session,
      ...(await replayScreen(this.deps.projection.reader, this.deps.projection.home, this.screens, p.session, scrollback)),
      live: this.isLive(p.session),
    };
  }

  async get(id: string): Promise<Session> {
    await this.caughtUp(id);
    return this.withLiveness(this.deps.projection.reader.getSession(id));
  }

  /**
   * Makes what subscribers have been sent (live events go out before they are durable) readable,
   * so a client that saw an exit event and then reads the session sees it exited. Without live
   * sessions (or for another one) there is nothing to wait for.
   */
  async caughtUp(id?: string): Promise<void> {
    if (id === undefined ? this.live.size > 0 : this.live.has(id)) await this.deps.writer.flush();
  }

  /** `live` filled in: for this host's PTY and task sessions, checked against the process now. */
  withLiveness(s: Session): Session {
    if (s.process === null || s.host !== this.deps.host) return s;
    return { ...s, live: this.isLive(s.id) };
  }

  /**
   * Whether the process `pid` is a person's or a session's agent, from the process tree. `reaper`:
   * the daemon's pid when orphans re-parent to it (a child subreaper, or init; see peer-session.ts), else null.
   */
  classifyPeer(pid: number, reaper: number | null): PeerRole {
    return this.leaders.classify(pid, reaper);
  }

  /** Whether `pid` is a session leader whose exit has not been collected yet (its zombie is not ours to reap). */
  awaitsExit(pid: number): boolean {
    for (const s of this.live.values()) if (s.child.pid === pid) return true;
    return false;
  }

  /** The sessions running now, as a shutdown would kill them. */
  liveList(): Array<{ id: string; title: string; pid: number; mode: "pty" | "task" }> {
    return [...this.live.values()].filter((s) => !s.ended).map((s) => ({ id: s.id, title: this.titles.get(s.id) ?? "", pid: s.child.pid, mode: s.mode }));
  }

  /**
   * Stops every session, escalating: a PTY gets SIGHUP (its terminal going away, as `sessions
   * kill` sends), SIGTERM at half of killGraceMs, SIGKILL at killGraceMs; a task SIGTERM, then
   * SIGKILL at killGraceMs. Each signal goes to the whole group; exits are recorded.
   */
  async dispose(): Promise<void> {
    this.stopping = true;
    const all = [...this.live.values()];
    const settled = Promise.all(all.map((s) => s.done));
    const grace = this.deps.config.killGraceMs;
    for (const s of all) s.signal(s.mode === "pty" ? "SIGHUP" : "SIGTERM", "daemon_stopped");
    if (!(await within(settled, grace / 2))) {
      for (const s of all) if (!s.ended && s.mode === "pty") s.signal("SIGTERM", "daemon_stopped");
      if (!(await within(settled, grace - grace / 2))) {
        for (const s of all) if (!s.ended) s.signal("SIGKILL", "daemon_stopped");
        await within(settled, 2000);
      }
    }
    await this.readers.dispose();
    await this.screens.dispose();
  }

  private isLive(id: string): boolean {
    const s = this.live.get(id);
    return s !== undefined && !s.ended && processStartTime(s.child.pid) === s.startTime;
  }

  private running(id: string): LiveSession {
    const s = this.live.get(id);
    if (s && !s.ended) return s;
    this.deps.projection.reader.getSession(id); // not_found when there is no such session at all
    throw new RpcError("conflict", `session ${id} is not running`, { session: id });
  }

  private recordFailed(s: LiveSession, err: Error): void {
    if (s.reason === "ledger_failed") return;
    this.deps.log.error("a session event could not be written; stopping the session", { event: "session_ledger_failed", session: s.id, error: err.message });
    s.signal("SIGKILL", "ledger_failed");
  }
}

/** Whether `p` settles within `ms`. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([p.then(() => true as const), timeout]).finally(() => clearTimeout(timer));
}
