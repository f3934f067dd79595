// Resource bounds: maxConnections (people's) and maxAgentConnections (agents'), clients that do
// not read their replies, and lines left unfinished (lineIdleMs).
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { useDaemon } from "../helpers/daemon.js";
import { pollUntil } from "../helpers/poll.js";
import { RawClient } from "../helpers/raw-client.js";

async function liveConnections(socket: string): Promise<number> {
  const c = await RpcClient.connect(socket);
  try {
    return (await c.call("status")).connections.live - 1;
  } finally {
    c.close();
  }
}

/** `n` connections to agent.sock, each answered, then one more: its first message (the refusal, when n is a limit). */
async function pastAgentLimit(socket: string, n: number): Promise<{ held: RawClient[]; over: RawClient; refusal: any }> {
  const agentSocket = join(dirname(socket), "agent.sock");
  const held: RawClient[] = [];
  for (let i = 0; i < n; i++) {
    const a = await RawClient.connect(agentSocket);
    assert.equal((await a.request({ jsonrpc: "2.0", id: 1, method: "ping" })).id, 1);
    held.push(a);
  }
  const over = await RawClient.connect(agentSocket);
  return { held, over, refusal: await over.next() };
}

describe("maxConnections", () => {
  const ctx = useDaemon({ server: { maxConnections: 2 } });

  it("refuses the connection past the limit with too_many_connections, then accepts again", async () => {
    const a = await RawClient.connect(ctx.daemon.socket);
    const b = await RawClient.connect(ctx.daemon.socket);
    assert.equal((await a.request({ jsonrpc: "2.0", id: 1, method: "ping" })).id, 1);
    assert.equal((await b.request({ jsonrpc: "2.0", id: 1, method: "ping" })).id, 1);
    const c = await RawClient.connect(ctx.daemon.socket);
    const refusal = await c.next();
    assert.equal(refusal.error.code, -32000);
    assert.equal(refusal.error.data.kind, "too_many_connections");
    assert.equal(await c.nextLine(), null, "closed after the refusal");
    a.close();
    await pollUntil(
      async () => {
        const again = await RawClient.connect(ctx.daemon.socket);
        const reply = await again.request({ jsonrpc: "2.0", id: 2, method: "ping" });
        again.close();
        return reply.id === 2;
      },
      { what: "a slot frees up" },
    );
    b.close();
  });
});

describe("clients that do not read", () => {
  const ctx = useDaemon({ server: { maxClientBufferBytes: 1024 * 1024, clientHighWaterBytes: 16 * 1024, clientStallMs: 400 } });

  it("disconnects a client whose unread output passes maxClientBufferBytes", async () => {
    const c = await RawClient.connect(ctx.daemon.socket);
    c.socket.pause();
    const batch = Array.from({ length: 300 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "rpc.discover" }));
    c.write(JSON.stringify(batch) + "\n");
    await pollUntil(async () => (await liveConnections(ctx.daemon.socket)) === 0, { what: "the daemon drops the client" });
    assert.equal(ctx.daemon.events("client_dropped")[0]?.reason, "output_limit");
    c.close();
  });

  it("stops reading from a client that does not read, and drops it after clientStallMs", async () => {
    const droppedBefore = ctx.daemon.events("client_dropped").length;
    const c = await RawClient.connect(ctx.daemon.socket);
    c.socket.pause();
    // Small writes, so no single read produces more than the output limit: the kernel's socket
    // buffer fills first, then the daemon's queue passes the high-water mark and it stops reading.
    const pings = (JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }) + "\n").repeat(100);
    let sent = 0;
    while ((await liveConnections(ctx.daemon.socket)) > 0 && sent < 400_000) {
      for (let i = 0; i < 20; i++) c.write(pings);
      sent += 2000;
      await new Promise((r) => setTimeout(r, 5));
    }
    await pollUntil(async () => (await liveConnections(ctx.daemon.socket)) === 0, { what: "the stalled client is dropped" });
    assert.deepEqual(
      ctx.daemon
        .events("client_dropped")
        .slice(droppedBefore)
        .map((e) => e.reason),
      ["stalled"],
      "dropped for stalling, not for passing the output limit: reading had paused",
    );
    c.close();
  });
});

describe("agents' own connection limit", () => {
  const ctx = useDaemon({ server: { maxConnections: 2, maxAgentConnections: 2 } });

  it("refuses agent connections past maxAgentConnections; a person still gets every connection of theirs", async () => {
    const { held, over, refusal } = await pastAgentLimit(ctx.daemon.socket, 2);
    assert.equal(refusal.error.code, -32000);
    assert.equal(refusal.error.data.kind, "too_many_connections");
    assert.equal(refusal.error.data.limit, "maxAgentConnections");
    assert.equal(await over.nextLine(), null, "closed after the refusal");
    for (let i = 0; i < 2; i++) {
      const person = await RawClient.connect(ctx.daemon.socket);
      assert.equal((await person.request({ jsonrpc: "2.0", id: 2, method: "vault.status" })).id, 2);
      held.push(person);
    }
    for (const h of held) h.close();
  });
});

describe("agents whose session cannot be told", () => {
  const ctx = useDaemon({ server: { maxAgentConnections: 8, maxConnectionsPerSession: 2 } });

  it("are held to maxConnectionsPerSession together: they cannot take every agent connection", async () => {
    // On agent.sock from outside any session: restricted, session unknown (as a setsid escapee is).
    const { held, refusal } = await pastAgentLimit(ctx.daemon.socket, 2);
    assert.equal(refusal.error.data.kind, "too_many_connections");
    assert.equal(refusal.error.data.limit, "maxConnectionsPerSession");
    for (const h of held) h.close();
  });
});

describe("lineIdleMs", () => {
  const ctx = useDaemon({ server: { lineIdleMs: 300 } });

  it("drops a connection whose line stays unfinished, with line_timeout; an idle connection between lines stays", async () => {
    const idle = await RawClient.connect(ctx.daemon.socket);
    assert.equal((await idle.request({ jsonrpc: "2.0", id: 1, method: "ping" })).id, 1);
    const stuck = await RawClient.connect(ctx.daemon.socket);
    stuck.write('{"jsonrpc":"2.0","id":1,');
    const reply = await stuck.next();
    assert.equal(reply.id, null);
    assert.equal(reply.error.code, -32000);
    assert.equal(reply.error.data.kind, "line_timeout");
    assert.equal(await stuck.nextLine(), null, "closed after the error");
    assert.equal(ctx.daemon.events("client_dropped").at(-1)?.reason, "line_idle");
    // Idle for longer than lineIdleMs, but with no line begun: still served.
    assert.equal((await idle.request({ jsonrpc: "2.0", id: 2, method: "ping" })).id, 2);
    idle.close();
  });

  it("times a line from its first byte: dribbling bytes does not keep it open", async () => {
    const c = await RawClient.connect(ctx.daemon.socket);
    const line = '{"jsonrpc":"2.0","id":1,"method":"ping","params":{' + " ".repeat(10_000);
    let i = 0;
    const dribble = setInterval(() => c.write(line[i++ % line.length]!), 20);
    try {
      const reply = await c.next(10_000);
      assert.equal(reply.error.data.kind, "line_timeout");
    } finally {
      clearInterval(dribble);
      c.close();
    }
  });
});
