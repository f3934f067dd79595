// The grant figure of issue 14: a process in a task session of the bench daemon (an agent) asks
// for an entry that needs approval, waiting; the bench, a person, approves it with
// `warden approve --for 1h`; then, round by round when told, the agent runs the latency client as
// its child (the same session's agent), every read of that entry served by the grant. Just before
// each agent round the person's own latency run on the same daemon, which no approval touches, is
// the floor.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RpcClient } from "../src/rpc/client.js";
import { type BenchDaemon, benchDir, load, sleep, warden } from "./lib.js";

// agent.cjs <socket> <dir> <load-client.js> <rounds> <n> <paramsJson>
const SCRIPT = `
const net = require("node:net"), fs = require("node:fs"), path = require("node:path"), { spawnSync } = require("node:child_process");
const [sock, dir, client, rounds, n, params] = process.argv.slice(2);
const fail = (why) => { fs.writeFileSync(path.join(dir, "error.json"), JSON.stringify(why)); process.exit(1); };
const round = (i) => {
  if (i >= Number(rounds)) return process.exit(0);
  if (!fs.existsSync(path.join(dir, "go-" + i))) return setTimeout(round, 20, i);
  const r = spawnSync(process.execPath, [client, "latency", sock, n, "vault.get", params], { encoding: "utf8" });
  if (r.status !== 0) fail(r.stderr);
  fs.writeFileSync(path.join(dir, "res-" + i + ".tmp"), r.stdout);
  fs.renameSync(path.join(dir, "res-" + i + ".tmp"), path.join(dir, "res-" + i + ".json"));
  round(i + 1);
};
const s = net.connect(sock);
let buf = "";
s.on("connect", () => s.write(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "vault.get", params: { ...JSON.parse(params.replace("{i}", "ask")), wait: true } }) + "\\n"));
s.on("data", (d) => {
  buf += d;
  if (!buf.includes("\\n")) return;
  const m = JSON.parse(buf);
  s.destroy();
  if (m.error) fail(m.error);
  round(0);
});
s.on("error", (e) => fail(e.message));
`;

export interface Latency {
  p50us: number;
  p99us: number;
}

export async function grantedReads(
  d: BenchDaemon,
  dir: string,
  rounds: number,
  n: number,
  personParams: string,
  log: (line: string) => void,
): Promise<Array<{ person: Latency; granted: Latency }>> {
  writeFileSync(join(dir, "agent.cjs"), SCRIPT);
  const params = JSON.stringify({ vault: "bench", name: "GRANTED", reason: "bench {i}" });
  const argv = [process.execPath, join(dir, "agent.cjs"), d.socket, dir, join(benchDir, "load-client.js"), String(rounds), String(n), params];
  const c = await RpcClient.connect(d.socket);
  try {
    const s = await c.call("sessions.launch", { argv, cwd: dir, mode: "task" });
    const request = await until(async () => (await c.call("approvals.list", { session: s.id, state: "pending" })).requests[0], "the agent's request", dir);
    warden(d.env, ["approve", request.id, "--for", "1h"]);
    const out: Array<{ person: Latency; granted: Latency }> = [];
    for (let i = 0; i < rounds; i++) {
      log(`  vault.get with a grant in force vs without approvals: round ${i + 1}/${rounds}`);
      const person = load<Latency>("latency", d.socket, n, "vault.get", personParams);
      writeFileSync(join(dir, `go-${i}`), "");
      const res = join(dir, `res-${i}.json`);
      const granted = await until(() => existsSync(res) && (JSON.parse(readFileSync(res, "utf8")) as Latency), `the agent's round ${i + 1}`, dir);
      out.push({ person, granted });
    }
    return out;
  } finally {
    c.close();
  }
}

/** Polls `f` until it gives something; fails at once with what the agent wrote when it failed. */
async function until<T>(f: () => T | false | undefined | Promise<T | false | undefined>, what: string, dir: string): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const v = await f();
    if (v) return v;
    const error = join(dir, "error.json");
    if (existsSync(error)) throw new Error(`grant agent failed waiting for ${what}: ${readFileSync(error, "utf8")}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
