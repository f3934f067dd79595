// A warden client in plain Node (no dependencies): connect, handshake, call, pipeline.
//   node examples/node/client.mjs          (WARDEN_SOCKET or this host's daemon)
import { connect } from "node:net";
import { homedir, hostname } from "node:os";
import { join } from "node:path";

function defaultSocket() {
  if (process.env.WARDEN_SOCKET) return process.env.WARDEN_SOCKET;
  const host = (process.env.WARDEN_HOST || hostname())
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 63)
    .replace(/[.-]+$/, "");
  return join(process.env.WARDEN_HOME || join(homedir(), ".warden"), "run", host || "localhost", "warden.sock");
}

function open(path) {
  const socket = connect(path);
  const pending = new Map();
  let nextId = 1;
  let tail = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => {
    const lines = (tail + chunk).split("\n");
    tail = lines.pop();
    for (const line of lines) {
      const msg = JSON.parse(line);
      const waiter = pending.get(msg.id);
      if (!waiter) continue; // notifications arrive without an id
      pending.delete(msg.id);
      if (msg.error) waiter.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code, kind: msg.error.data?.kind }));
      else waiter.resolve(msg.result);
    }
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () =>
      resolve({
        call(method, params = {}) {
          const id = nextId++;
          socket.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
          return new Promise((res, rej) => pending.set(id, { resolve: res, reject: rej }));
        },
        close: () => socket.end(),
      }),
    );
  });
}

const client = await open(defaultSocket());
const health = await client.call("health");
console.log(`${health.binary.name} ${health.binary.version} (${health.apiVersion}), capabilities:`, health.capabilities);
// Requests may be pipelined; replies are matched by id.
const replies = await Promise.all(Array.from({ length: 5 }, () => client.call("ping")));
console.log("5 pipelined pings:", replies.every((r) => r.pong === true) ? "all pong" : replies);
try {
  await client.call("ping", { unexpected: true });
} catch (err) {
  console.log(`invalid params -> code ${err.code}, kind ${err.kind}`);
}
client.close();
