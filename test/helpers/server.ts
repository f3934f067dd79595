// An in-process SocketServer on a temp socket, for tests that need to reach inside (a test-only
// method, the dispatcher's counters, another allowed uid). Real sockets, real connections.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openLogger } from "../../src/platform/log.js";
import { SocketServer, type SocketServerOptions } from "../../src/daemon/socket-server.js";
import { Dispatcher, type Binding } from "../../src/rpc/dispatcher.js";

export interface TestServer {
  server: SocketServer;
  dispatcher: Dispatcher;
  path: string;
  logPath: string;
  close(): Promise<void>;
}

export async function serve(bindings: Binding[], opts: Partial<SocketServerOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "wd-srv-"));
  const logPath = join(dir, "log");
  const log = openLogger({ path: logPath, level: "debug", maxBytes: 1 << 20, echo: null });
  const dispatcher = new Dispatcher(bindings, log);
  const server = new SocketServer({
    dispatcher,
    log,
    maxConnections: 10,
    maxAgentConnections: 10,
    maxConnectionsPerSession: 10,
    limits: { maxLineBytes: 1 << 20, maxBatch: 1000, maxOutputBytes: 1 << 24, outputHighWaterBytes: 1 << 20, stallMs: 30_000, lineIdleMs: 30_000 },
    ...opts,
  });
  const path = join(dir, "s.sock");
  await server.listen({ path, restricted: false });
  return {
    server,
    dispatcher,
    path,
    logPath,
    async close() {
      await server.shutdown(100);
      log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
