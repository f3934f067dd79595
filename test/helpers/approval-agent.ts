// An agent for the approvals tests: a real process in a task session of its own, on the socket it
// is given, making its calls one after another (each once the previous one is answered) and
// writing each reply as a line of JSON: {value} or {error: {kind, data}}. `{waitFor: name}` pauses
// until the test touches that name. After its last call it stays, so its session (and the grants
// made for it) stays live until finish().
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RpcClient } from "../../src/rpc/client.js";
import { pollUntil } from "./poll.js";

const SCRIPT = `
const net = require("node:net"), fs = require("node:fs");
const [sock, callsFile, out] = process.argv.slice(2);
const calls = JSON.parse(fs.readFileSync(callsFile, "utf8"));
let buf = "", i = 0;
const s = net.connect(sock);
const next = () => {
  if (i >= calls.length) return;
  const c = calls[i];
  if (c.waitFor) return fs.existsSync(c.waitFor) ? (i++, next()) : setTimeout(next, 20);
  s.write(JSON.stringify({ jsonrpc: "2.0", id: i, ...c }) + "\\n");
};
s.on("data", (d) => {
  buf += d; let n;
  while ((n = buf.indexOf("\\n")) >= 0) {
    const m = JSON.parse(buf.slice(0, n)); buf = buf.slice(n + 1);
    const line = m.error ? { error: { kind: m.error.data && m.error.data.kind, data: m.error.data || {} } } : { value: m.result.value };
    fs.appendFileSync(out, JSON.stringify(line) + "\\n"); i++; next();
  }
});
s.on("connect", next);
s.on("error", (e) => fs.appendFileSync(out, JSON.stringify({ socket: e.code }) + "\\n"));
setInterval(() => {}, 1 << 30);
`;

export interface Reply {
  value?: string;
  error?: { kind: string; data: Record<string, unknown> };
  socket?: string;
}

export interface Agent {
  session: string;
  out: string;
  lines(): Reply[];
  /** The first n replies, once there are that many. */
  replies(n: number): Promise<Reply[]>;
  /** Lets a `{waitFor: name}` step go on. */
  touch(name: string): void;
  /** Ends the agent's session. */
  finish(): Promise<void>;
}

/** Writes the agent's script into `project` (once per test file). */
export function agentScript(project: string): void {
  writeFileSync(join(project, "agent.cjs"), SCRIPT);
}

let n = 0;

export async function startAgent(c: RpcClient, socket: string, project: string, calls: object[]): Promise<Agent> {
  const dir = join(project, `agent-${++n}`);
  mkdirSync(dir);
  const at = (name: string) => join(dir, name);
  const callsFile = at("calls.json");
  writeFileSync(callsFile, JSON.stringify(calls.map((x) => ("waitFor" in x ? { waitFor: at(String(x.waitFor)) } : x))));
  const out = at("replies.jsonl");
  appendFileSync(out, "");
  const s = await c.call("sessions.launch", { argv: [process.execPath, join(project, "agent.cjs"), socket, callsFile, out], cwd: project, mode: "task" });
  const lines = () =>
    readFileSync(out, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Reply);
  return {
    session: s.id,
    out,
    lines,
    replies: (count) =>
      pollUntil(() => (lines().length >= count ? lines().slice(0, count) : null), {
        what: `${count} replies in ${out}`,
        detail: () => JSON.stringify(lines()),
      }),
    touch: (name) => writeFileSync(at(name), ""),
    finish: async () => {
      if (existsSync(out)) await c.call("sessions.kill", { session: s.id, signal: "SIGKILL" }).catch(() => {});
    },
  };
}
