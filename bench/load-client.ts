// Load generator, run as its own process so it never shares an event loop with the server under
// test. Prints one JSON result on stdout.
//   latency <socket> <n> [method] [paramsJson]              sequential calls: p50/p99 round trip in µs
//                                                           (n = 0: until SIGTERM, then report)
//   throughput <socket> <conns> <n> [method] [paramsJson]   pipelined, `window` in flight per connection
//   hammer <socket> <conns> <seconds> <inflight> [method] [paramsJson]
//                                                           each connection keeps `inflight` calls
//                                                           outstanding for `seconds` (a client in a loop: 1)
// The method defaults to ping. `{i}` in paramsJson becomes a number unique to the call (distinct
// reads, which the daemon's audit log does not coalesce).
import { connect, type Socket } from "node:net";

const [mode, path, ...rest] = process.argv.slice(2);
const [method, params] = mode === "latency" ? [rest[1], rest[2]] : mode === "hammer" ? [rest[3], rest[4]] : [rest[2], rest[3]];
const tail = `,"method":${JSON.stringify(method ?? "ping")}${params ? `,"params":${params}` : ""}}\n`.split("{i}");
let unique = 0;
const request = (id: number) => `{"jsonrpc":"2.0","id":${id}${tail.length === 1 ? tail[0] : tail.join(`${process.pid}-${++unique}`)}`;

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path!);
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/** Calls `onReply(count)` each time complete reply lines arrive; every reply is parsed, as a client would. */
function onLines(socket: Socket, onReply: (count: number) => void): void {
  let tail = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    const lines = (tail + chunk).split("\n");
    tail = lines.pop()!;
    for (const l of lines) {
      const reply = JSON.parse(l);
      if (typeof reply.id !== "number" || reply.error) throw new Error(`bad reply ${l}`);
    }
    onReply(lines.length);
  });
}

async function latency(n: number): Promise<object> {
  const s = await open();
  const samples: number[] = [];
  const warmup = n > 0 ? n / 10 : 100; // the first tenth (or 100) warm up
  let stopped = false;
  process.once("SIGTERM", () => (stopped = true));
  let id = 0;
  let t0 = 0;
  await new Promise<void>((done) => {
    onLines(s, () => {
      const us = (performance.now() - t0) * 1000;
      if (id > warmup) samples.push(us);
      if ((n > 0 && id >= n) || stopped) return done();
      t0 = performance.now();
      s.write(request(++id));
    });
    t0 = performance.now();
    s.write(request(++id));
  });
  s.destroy();
  samples.sort((a, b) => a - b);
  const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0);
  return { p50us: at(0.5), p99us: at(0.99), maxUs: Math.round(samples.at(-1) ?? 0), samples: samples.length };
}

async function throughput(conns: number, n: number, window = 256): Promise<object> {
  const sockets = await Promise.all(Array.from({ length: conns }, open));
  const perConn = Math.floor(n / conns);
  const t0 = performance.now();
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((done) => {
          let sent = 0;
          let received = 0;
          const send = (k: number) => {
            let batch = "";
            for (let i = 0; i < k && sent < perConn; i++) batch += request(++sent);
            if (batch) s.write(batch);
          };
          onLines(s, (count) => {
            received += count;
            if (received >= perConn) return done();
            send(count);
          });
          send(window);
        }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const s of sockets) s.destroy();
  return { reqPerSec: Math.round((perConn * conns) / seconds), requests: perConn * conns, seconds };
}

/** Every connection a client in a loop (or `inflight` of them) until `seconds` have passed. */
async function hammer(conns: number, seconds: number, inflight: number): Promise<object> {
  const sockets = await Promise.all(Array.from({ length: conns }, open));
  let done = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((finish) => {
          let id = 0;
          let outstanding = 0;
          const send = () => {
            outstanding++;
            s.write(request(++id));
          };
          onLines(s, (count) => {
            done += count;
            outstanding -= count;
            if (performance.now() < until) for (let i = 0; i < count; i++) send();
            else if (outstanding === 0) finish();
          });
          for (let i = 0; i < inflight; i++) send();
        }),
    ),
  );
  const elapsed = (performance.now() - t0) / 1000;
  for (const s of sockets) s.destroy();
  return { reqPerSec: Math.round(done / elapsed), requests: done, seconds: elapsed };
}

const result =
  mode === "latency"
    ? await latency(Number(rest[0]))
    : mode === "hammer"
      ? await hammer(Number(rest[0]), Number(rest[1]), Number(rest[2]))
      : await throughput(Number(rest[0]), Number(rest[1]));
process.stdout.write(JSON.stringify(result) + "\n");
