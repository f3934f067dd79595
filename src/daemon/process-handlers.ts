// How the daemon process meets signals and its own failures (see installProcessHandlers).
import type { Logger } from "../platform/log.js";

/**
 * SIGTERM and SIGINT stop the daemon gracefully; a repeated signal during shutdown is absorbed
 * (SIGKILL still forces). An uncaught exception or rejection is logged once, the daemon stops and
 * exits 1; should shutdown itself hang, a deadline ends the process. The handlers stay installed
 * until the process exits, so nothing during disposal can abort it halfway.
 */
export function installProcessHandlers(log: Logger, stop: (reason: string) => Promise<void>, failed: () => void, graceMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  let fatal = false;
  const onFatal = (error: unknown) => {
    if (fatal) return;
    fatal = true;
    failed();
    log.error("uncaught exception; stopping", { event: "fatal", error: error instanceof Error ? error.stack : String(error) });
    setTimeout(() => process.exit(1), graceMs + 5000).unref();
    void stop("uncaught exception");
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);
}
