// A byte-level socket client for conformance tests: sends exactly what it is given and hands back
// each reply line parsed, so tests can assert on the wire, not on a client library's view of it.
import { connect, type Socket } from "node:net";

export class RawClient {
  private buffer = "";
  private lines: string[] = [];
  private waiters: Array<(line: string | null) => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const waiter = this.waiters.shift();
        if (waiter) waiter(line);
        else this.lines.push(line);
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once("connect", () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next reply line, parsed; throws if none arrives within `timeoutMs` or the socket closes. */
  async next(timeoutMs = 5000): Promise<any> {
    const line = await this.nextLine(timeoutMs);
    if (line === null) throw new Error("connection closed before a reply");
    return JSON.parse(line);
  }

  nextLine(timeoutMs = 5000): Promise<string | null> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (line: string | null) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends a line, then returns its reply. */
  async request(message: unknown): Promise<any> {
    this.write(JSON.stringify(message) + "\n");
    return this.next();
  }

  /** Asserts no reply line arrives: sends a ping after `message` and expects the ping's reply first. */
  async expectSilence(message: string): Promise<void> {
    this.write(message + "\n" + JSON.stringify({ jsonrpc: "2.0", id: "__fence__", method: "ping" }) + "\n");
    const reply = await this.next();
    if (reply.id !== "__fence__") throw new Error(`expected no reply, got ${JSON.stringify(reply)}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
