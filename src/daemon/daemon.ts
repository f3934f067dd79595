// Composition root: resolves paths, checks and creates private directories, takes the lock, opens
// the log, writes daemon.json, binds the socket, and wires shutdown. Resources are registered with
// the Lifetime as they are created, so shutdown disposes them in exactly the reverse order.
import { dirname } from "node:path";
import type { AnyMethod } from "../../protocol/index.js";
import { packageInfo } from "../platform/package-info.js";
import { Dispatcher } from "../rpc/dispatcher.js";
import { loadConfig, type Config } from "../platform/config.js";
import { AuditLog } from "../ledger/audit-log.js";
import { loadAuditSigner } from "../ledger/audit-key.js";
import { LedgerService } from "../ledger/service.js";
import { LedgerWriter } from "../ledger/writer.js";
import { StoreCounts } from "../projection/counts.js";
import { ProjectionStore } from "../projection/store.js";
import { KnownDigests } from "../masking/known-digests.js";
import { SecretValues } from "../masking/secret-values.js";
import { RemaskJob } from "../sync/remask-job.js";
import { loadDaemonKey, readDigests } from "../masking/masked-digests.js";
import { maskText } from "../masking/masker.js";
import { adoptOrphans } from "../sessions/orphans.js";
import { settleOrphans } from "../sessions/recovery.js";
import { SessionSupervisor } from "../sessions/supervisor.js";
import { userUmask } from "../platform/umask.js";
import { VaultService } from "../vault/service.js";
import { ApprovalService } from "../vault/approvals/service.js";
import { approvalBindings } from "./handlers/approvals.js";
import { readDigester } from "../vault/audit-digests.js";
import { coreBindings, type DaemonInfo } from "./handlers/core.js";
import { ledgerBindings } from "./handlers/ledger.js";
import { sessionBindings } from "./handlers/sessions.js";
import { projectionBindings } from "./handlers/projection.js";
import { syncBindings } from "./handlers/sync.js";
import { SyncEngine } from "../sync/engine.js";
import { bigSources, StoreKeeper } from "../sync/store-keeper.js";
import { transcriptRoots } from "../sync/roots.js";
import { SinkRunner } from "../sync/sinks/runner.js";
import { SourceMap } from "../sync/source-map.js";
import { Witness } from "../sync/witness.js";
import { vaultBindings } from "./handlers/vault.js";
import { Lifetime } from "./lifetime.js";
import { valueLearner } from "./learn-values.js";
import { installProcessHandlers } from "./process-handlers.js";
import { acquireLock } from "../platform/lock.js";
import { openLogger, type Logger } from "../platform/log.js";
import { refuseCoreDumps } from "../platform/native.js";
import { removeMetadata, writeMetadata } from "../control/metadata.js";
import { resolvePaths, userHome, type WardenPaths } from "../platform/paths.js";
import { ensureHome, ensurePrivateDir, ensureRunRoot } from "../platform/secure-dir.js";
import { serverLimits, SocketServer } from "./socket-server.js";

export interface DaemonOptions {
  env?: NodeJS.ProcessEnv;
  /** Also write log lines here (foreground runs echo to stderr). */
  echoLog?: NodeJS.WritableStream | null;
}

export interface RunningDaemon {
  info: DaemonInfo;
  paths: WardenPaths;
  config: Config;
  log: Logger;
  /** Resolves with the exit status once every resource is disposed: 0, or 1 after a fatal error. */
  stopped: Promise<number>;
  stop(reason: string): Promise<void>;
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<RunningDaemon> {
  refuseCoreDumps(); // vault keys pass through V8 memory on the way into secure memory
  process.umask(0o077); // everything the daemon creates (projection, backups, …) is private; sessions get userUmask
  const paths = resolvePaths(opts.env ?? process.env);
  const warnings: string[] = [];
  ensureHome(paths, (w) => warnings.push(w)); // before config.json inside it is read
  const config = loadConfig(paths.config);
  ensureRunRoot(paths);

  const binary = packageInfo();
  const lock = acquireLock(paths.lock, paths.host, binary.version);
  let log: Logger | undefined;
  const lifetime = new Lifetime((name, error) => log?.error("dispose failed", { resource: name, error: String(error) }));
  lifetime.defer("daemon.lock", () => lock.release());
  try {
    log = openLogger({ path: paths.log, level: config.log.level, maxBytes: config.log.maxBytes, echo: opts.echoLog ?? null });
    const logger = log;
    lifetime.defer("daemon.log", () => {
      logger.info("stopped", { event: "stopped" });
      logger.close();
    });
    for (const w of warnings) log.warn(w, { event: "unsafe_mode" });
    if (lock.replaced) log.warn("replaced a stale daemon lock", { event: "stale_lock_replaced", previous: lock.replaced });

    const info: DaemonInfo = {
      pid: process.pid,
      startedAt: lock.owner.startedAt,
      host: paths.host,
      socket: paths.socket,
      home: paths.home,
      runRoot: paths.runRoot,
    };
    let stopping: Promise<void> | null = null;
    let exitCode = 0;
    let resolveStopped!: (code: number) => void;
    const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
    const stop = (reason: string): Promise<void> => {
      stopping ??= (async () => {
        logger.info("stopping", { event: "stopping", reason });
        await lifetime.dispose();
        resolveStopped(exitCode);
      })();
      return stopping;
    };

    ensurePrivateDir(dirname(paths.audit), { tighten: false });
    ensurePrivateDir(paths.vaults, { tighten: false });
    ensurePrivateDir(dirname(paths.ledger), { tighten: false });
    ensurePrivateDir(paths.ledger, { tighten: false });
    // Every secret value served or injected, masked in all session output and imported transcripts
    // from then on. In ordinary memory, like the values on their way out; the process is not dumpable.
    const secrets = new SecretValues();
    // And every value masked before, by keyed digest: still masked in imports and rebuilds with its
    // vault locked or this daemon restarted.
    const daemonKey = loadDaemonKey(paths);
    secrets.useDigests(new KnownDigests(daemonKey, readDigests(paths.maskedDigests)));
    const roots = transcriptRoots(config.sync, opts.env ?? process.env);
    const projection = new ProjectionStore(paths, logger, () => bigSources(paths.home));
    const keeper = new StoreKeeper(projection, paths, logger, { transcripts: roots, secrets });
    const counts = new StoreCounts(projection);
    const signer = loadAuditSigner(paths);
    lifetime.defer("audit signing key", () => signer.close());
    const audit = new AuditLog(paths.audit, paths.host, {
      hold: true,
      headPath: paths.auditHead,
      onAppend: (record, line, end) => keeper.audit.add(record, line, end),
      checkpoints: { path: paths.auditCheckpoints, signer },
    });
    lifetime.defer("audit log", () => audit.close());
    lifetime.defer("projection", () => keeper.close());
    // The sync engine keeps the projection current from every other source (closed after the sessions).
    const sourceMap = new SourceMap(paths.home, paths.host, roots);
    const witness = new Witness({ home: paths.home, host: paths.host, audit, log: logger, sliceBytes: config.sync.sliceBytes });
    const engine = new SyncEngine({
      store: projection,
      keeper,
      sources: sourceMap,
      log: logger,
      reconcileMs: config.sync.reconcileSecs * 1000,
      debounceMs: config.sync.debounceMs,
      sliceBytes: config.sync.sliceBytes,
      readerHeapMb: config.sync.readerHeapMb,
      watch: config.sync.watch,
      secrets,
      witness,
    });
    // A durable batch fans out: applied to the projection, then its search documents scheduled.
    const writer = new LedgerWriter({ dir: paths.ledger, ...config.ledger }, (files) => {
      keeper.applyCommitted(files);
      engine.indexSoon();
    });
    lifetime.defer("ledger writer", () => writer.close());
    if (audit.rolledBack) {
      logger.error("the audit log ends before the head synced last time: truncated or rolled back", { event: "audit_rolled_back", ...audit.rolledBack });
    }
    const remask = new RemaskJob(projection, paths.remaskState, logger);
    lifetime.defer("remask", () => remask.close());
    const learn = valueLearner(paths.maskedDigests, secrets, remask, logger, lifetime);
    // Approval requests and grants: closed after the sessions (their ends end grants), before the audit log.
    const mask = (text: string): string => maskText(text, secrets).text;
    const approvals = new ApprovalService(paths.home, paths.host, audit, config.approvals.timeoutSecs, logger, mask);
    lifetime.defer("approvals", () => approvals.dispose());
    approvals.endAtStart();
    const vault = new VaultService(paths.home, config.vault, audit, logger, learn, {
      approvals,
      mask, // the caller's argv on record: a script may pass a secret on its command line
      // Agents' vault.get calls are rate-limited per session; agents whose session cannot be told
      // (a setsid escapee, anyone on agent.sock) share one budget: per process, an escapee would
      // get a fresh burst for every process it forks. People are never limited.
      sessionOf: (ctx): string | null => ctx.agentSession ?? (ctx.restricted ? "(unknown session)" : null),
      sessionScope: (session) => supervisor.credentialsOf(session), // an agent reads under its session's credential scope
      digests: readDigester(daemonKey),
    });
    lifetime.defer("vault keys", () => vault.dispose());
    const supervisor = new SessionSupervisor({
      writer,
      projection,
      secrets,
      readSecret: (p, ctx): string => vault.getNow(p, ctx).value,
      audit: (fields, ctx) => vault.note(ctx, fields),
      config: config.sessions,
      host: paths.host,
      home: userHome(opts.env ?? process.env), // the default project root
      agentSocket: paths.agentSocket,
      umask: userUmask,
      baseEnv: opts.env ?? process.env,
      log: logger,
      onEnded: (session) => approvals.sessionEnded(session),
    });
    const ledger = new LedgerService(writer, paths.host, secrets, (e) => supervisor.hub.publish(e));
    // Orphans of sessions re-parent to the daemon: their process tree still says whose they are.
    const orphans = adoptOrphans((pid) => supervisor.awaitsExit(pid), logger);
    lifetime.defer("orphan reaper", () => orphans.dispose());
    // The sessions, then what they left behind: no process of theirs outlives the daemon.
    lifetime.defer("sessions", async () => {
      await supervisor.dispose();
      await orphans.endAll();
    });
    lifetime.defer("sync engine", () => engine.close());
    lifetime.defer("witness", () => witness.close()); // before the engine: a long first pass stops at its next slice
    const sinks = new SinkRunner(config.sinks, opts.env ?? process.env, {
      projectionPath: paths.projection,
      home: paths.home,
      host: paths.host,
      secrets,
      log: logger,
    });
    lifetime.defer("sinks", () => sinks.close());

    let server: SocketServer | undefined;
    const dispatcher: Dispatcher = new Dispatcher(
      [
        ...coreBindings({
          info,
          binary,
          maxConnections: config.server.maxConnections,
          stats: () => ({
            live: server?.live ?? 0,
            total: server?.total ?? 0,
            served: dispatcher.served,
            inFlight: dispatcher.inFlight,
            stopping: stopping !== null,
          }),
          requestStop: (reason) => void stop(reason),
          served: () => dispatcher.specs as readonly AnyMethod[],
          projection: () => ({ state: projection.state, ...counts.get() }),
          agentSocket: () => server?.listening(true) ?? false,
          syncRunning: () => engine.running,
          liveSessions: () => supervisor.liveList(),
        }),
        ...vaultBindings(vault),
        ...approvalBindings(approvals),
        ...ledgerBindings(ledger, projection, supervisor),
        ...sessionBindings(supervisor),
        ...projectionBindings(projection, keeper),
        ...syncBindings({ projection, keeper, engine, sources: sourceMap, sinks: () => sinks.statuses(), remask: () => remask.status() }),
      ],
      logger,
    );
    const s = config.server;
    server = new SocketServer({
      dispatcher,
      ...serverLimits(s),
      classify: (peer) => supervisor.classifyPeer(peer.pid, orphans.pid),
      log: logger,
    });
    const sockets = server;
    lifetime.defer("sockets", async () => {
      await sockets.shutdown(s.shutdownGraceMs);
      if (dispatcher.inFlight > 0) logger.warn("shutdown grace passed with requests in flight", { inFlight: dispatcher.inFlight, graceMs: s.shutdownGraceMs });
    });
    lifetime.defer("approval waits", () => approvals.stopWaiting()); // answered before the sockets wait for in-flight calls
    keeper.boot(); // tail catch-up before serving; a new or damaged projection rebuilds in the background
    // Sessions a previous daemon left running are settled before anyone can look at them.
    const running = projection.state === "ok" ? projection.reader.runningSessions(paths.host) : null;
    await settleOrphans(writer, paths.ledger, running, logger);
    await server.listen({ path: paths.socket, restricted: false });
    await server.listen({ path: paths.agentSocket, restricted: true });
    engine.start(); // imports (a first one may be big) run in slices while the daemon serves
    sinks.start();
    // Written once we serve, so it never describes a daemon that failed to start.
    writeMetadata(paths.metadata, {
      ...lock.owner,
      socket: paths.socket,
      agentSocket: paths.agentSocket,
      home: paths.home,
      runRoot: paths.runRoot,
      log: paths.log,
    });
    lifetime.defer("daemon.json", () => removeMetadata(paths.metadata));

    // Installed only now: a signal during start-up takes the default action (the kernel drops the
    // flock; the next start replaces the stale files) instead of racing a half-built daemon.
    installProcessHandlers(logger, stop, () => (exitCode = 1), s.shutdownGraceMs);
    log.info("started", { event: "started", ...info, version: binary.version, config: config.server });
    return { info, paths, config, log, stopped, stop };
  } catch (err) {
    log?.error("start failed", { error: err instanceof Error ? err.message : String(err) });
    await lifetime.dispose();
    throw err;
  }
}
