// The floor: a bare Node NDJSON echo server on a Unix socket. Each line is written straight back,
// so a client's round trip through it costs the socket and Node's event loop and nothing else.
import { unlinkSync } from "node:fs";
import { createServer } from "node:net";

const path = process.argv[2]!;
try {
  unlinkSync(path);
} catch {}
createServer((socket) => {
  let tail = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    const text = tail + chunk;
    const end = text.lastIndexOf("\n");
    if (end < 0) return void (tail = text);
    tail = text.slice(end + 1);
    socket.write(text.slice(0, end + 1));
  });
  socket.on("error", () => {});
}).listen(path, () => process.send?.("ready"));
