// Composition root: resolves paths, checks and creates private directories, takes the lock, opens
// the log, writes daemon.json, binds the socket, and wires shutdown. Resources are registered with
// the Lifetime as they are created, so shutdown disposes them in exactly the reverse order.
import { join } from "node:path";
import type { AnyMethod } from "../../protocol/index.js";
import { packageInfo } from "../package-info.js";
import { Dispatcher } from "../rpc/dispatcher.js";
import { loadConfig, type Config } from "./config.js";
import { coreBindings, type DaemonInfo } from "./handlers/core.js";
import { Lifetime } from "./lifetime.js";
import { acquireLock } from "./lock.js";
import { openLogger, type Logger } from "./log.js";
import { removeMetadata, writeMetadata } from "./metadata.js";
import { resolvePaths, type WardenPaths } from "./paths.js";
import { ensurePrivateDir } from "./secure-dir.js";
import { SocketServer } from "./socket-server.js";

export interface DaemonOptions {
  env?: NodeJS.ProcessEnv;
  /** Also write log lines here (foreground runs echo to stderr). */
  echoLog?: NodeJS.WritableStream | null;
  /** Install SIGTERM/SIGINT handlers (off for in-process tests). */
  handleSignals?: boolean;
}

export interface RunningDaemon {
  info: DaemonInfo;
  paths: WardenPaths;
  config: Config;
  log: Logger;
  /** Resolves once shutdown has finished and every resource is disposed. */
  stopped: Promise<void>;
  stop(reason: string): Promise<void>;
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<RunningDaemon> {
  const paths = resolvePaths(opts.env ?? process.env);
  const warnings: string[] = [];
  ensurePrivateDir(paths.home, { tighten: false, warn: (w) => warnings.push(w) });
  const config = loadConfig(paths.config);
  ensurePrivateDir(join(paths.home, "run"), { tighten: true });
  ensurePrivateDir(paths.runRoot, { tighten: true });

  const binary = packageInfo();
  const lock = acquireLock(paths.lock, paths.host, binary.version);
  let log: Logger | undefined;
  const lifetime = new Lifetime((name, error) => log?.error("dispose failed", { resource: name, error: String(error) }));
  lifetime.defer("daemon.lock", () => lock.release());
  try {
    log = openLogger({ path: paths.log, level: config.log.level, maxBytes: config.log.maxBytes, echo: opts.echoLog ?? null });
    const logger = log;
    lifetime.defer("daemon.log", () => {
      logger.info("stopped");
      logger.close();
    });
    for (const w of warnings) log.warn(w);
    if (lock.replaced) log.warn("replaced a stale daemon lock", { previous: lock.replaced });

    const info: DaemonInfo = {
      pid: process.pid,
      startedAt: lock.owner.startedAt,
      host: paths.host,
      socket: paths.socket,
      home: paths.home,
      runRoot: paths.runRoot,
    };
    writeMetadata(paths.metadata, { ...lock.owner, socket: paths.socket, agentSocket: null, home: paths.home, runRoot: paths.runRoot, log: paths.log });
    lifetime.defer("daemon.json", () => removeMetadata(paths.metadata));

    let stopping: Promise<void> | null = null;
    let resolveStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    const stop = (reason: string): Promise<void> => {
      stopping ??= (async () => {
        logger.info("stopping", { reason });
        await lifetime.dispose();
        resolveStopped();
      })();
      return stopping;
    };

    if (opts.handleSignals ?? true) installSignalHandlers(lifetime, logger, stop);

    let server: SocketServer | undefined;
    const dispatcher: Dispatcher = new Dispatcher(
      coreBindings({
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
      }),
      logger,
    );
    const s = config.server;
    server = new SocketServer({
      dispatcher,
      maxConnections: s.maxConnections,
      log: logger,
      limits: { maxLineBytes: s.maxLineBytes, maxOutputBytes: s.maxClientBufferBytes, outputHighWaterBytes: s.clientHighWaterBytes, stallMs: s.clientStallMs },
    });
    const sockets = server;
    lifetime.defer("sockets", async () => {
      await sockets.shutdown(s.shutdownGraceMs);
      if (dispatcher.inFlight > 0) logger.warn("shutdown grace passed with requests in flight", { inFlight: dispatcher.inFlight, graceMs: s.shutdownGraceMs });
    });
    await server.listen({ path: paths.socket, restricted: false });

    log.info("started", { ...info, version: binary.version, config: config.server });
    return { info, paths, config, log, stopped, stop };
  } catch (err) {
    log?.error("start failed", { error: err instanceof Error ? err.message : String(err) });
    await lifetime.dispose();
    throw err;
  }
}

/**
 * Registered before the sockets, so they stay installed until the sockets are closed: a signal
 * during shutdown is then absorbed (shutdown is already under way; SIGKILL still forces).
 */
function installSignalHandlers(lifetime: Lifetime, log: Logger, stop: (reason: string) => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  const onFatal = (error: unknown) => {
    log.error("uncaught exception; stopping", { error: error instanceof Error ? error.stack : String(error) });
    process.exitCode = 1;
    void stop("uncaught exception");
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);
  lifetime.defer("signal handlers", () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    process.off("uncaughtException", onFatal);
    process.off("unhandledRejection", onFatal);
  });
}
