import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { RemoteError, RpcClient } from "../../src/rpc/client.js";

/** Runs `fn` with the path of a fresh temp socket path, served by `onConnection` when given. */
async function withSocket(onConnection: ((s: Socket) => void) | null, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wd-cl-"));
  const path = join(dir, "s.sock");
  const server = onConnection ? createServer(onConnection) : null;
  if (server) await new Promise<void>((r) => server.listen(path, r));
  try {
    await fn(path);
  } finally {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("RpcClient", () => {
  it("reports a missing socket as unavailable", async () => {
    await assert.rejects(RpcClient.connect("/nonexistent/warden.sock"), (e: any) => e.kind === "unavailable" && e.details.cause === "ENOENT");
  });

  it("reports a stale socket (its listener was SIGKILLed) as unavailable", () =>
    withSocket(null, async (path) => {
      const script = `require("net").createServer().listen(process.argv[1], () => process.kill(process.pid, "SIGKILL"))`;
      spawnSync(process.execPath, ["-e", script, path]);
      await assert.rejects(RpcClient.connect(path), (e: any) => e.kind === "unavailable" && e.details.cause === "ECONNREFUSED");
    }));

  it("fails calls cleanly, without throwing from the socket, when the peer does not speak JSON", () =>
    withSocket(
      (s) => s.on("data", () => s.write("SSH-2.0-OpenSSH\n")),
      async (path) => {
        const c = await RpcClient.connect(path);
        await assert.rejects(c.call("ping"), (e: any) => e.kind === "unavailable");
        c.close();
      },
    ));

  it("times a call out when no reply comes, at callTimeoutMs", (t) =>
    withSocket(
      () => {},
      async (path) => {
        const c = await RpcClient.connect(path, { callTimeoutMs: 100 });
        t.mock.timers.enable({ apis: ["setTimeout"] });
        let outcome: unknown = "pending";
        const call = c.call("ping").catch((e) => (outcome = e));
        t.mock.timers.tick(99);
        await new Promise((r) => setImmediate(r));
        assert.equal(outcome, "pending", "not before callTimeoutMs");
        t.mock.timers.tick(1);
        await call;
        assert.equal((outcome as { kind?: string }).kind, "timeout");
        c.close();
      },
    ));

  it("matches pipelined replies by id, rejects errors as RemoteError, and passes notifications", () =>
    withSocket(
      (s) => {
        s.setEncoding("utf8");
        s.on("data", (d: string) => {
          const [a, b] = d
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
          // Answer out of order, with a notification in between.
          s.write(JSON.stringify({ jsonrpc: "2.0", id: b.id, error: { code: -32002, message: "nope", data: { kind: "not_found" } } }) + "\n");
          s.write(JSON.stringify({ jsonrpc: "2.0", method: "projection.progress", params: { phase: "import", done: 1, total: 2 } }) + "\n");
          s.write(JSON.stringify({ jsonrpc: "2.0", id: a.id, result: { pong: true } }) + "\n");
        });
      },
      async (path) => {
        const c = await RpcClient.connect(path);
        const seen: unknown[] = [];
        c.onNotification("projection.progress", (params) => seen.push(["projection.progress", params]));
        const [pong, health] = await Promise.allSettled([c.call("ping"), c.call("health")]);
        assert.deepEqual(pong, { status: "fulfilled", value: { pong: true } });
        assert.equal(health.status, "rejected");
        if (health.status === "rejected") {
          assert.ok(health.reason instanceof RemoteError);
          assert.equal(health.reason.kind, "not_found");
          assert.equal(health.reason.code, -32002);
        }
        assert.deepEqual(seen, [["projection.progress", { phase: "import", done: 1, total: 2 }]]);
        c.close();
      },
    ));
});
