// The grant figure of issue 14: a process in a task session of the bench daemon (an agent) asks
// for an entry that needs approval, waiting; the bench, a person, approves it with
// `warden approve --for 1h`; then, round by round when told, the agent runs the latency client as
// its child (the same session's agent) twice: on an entry that needs no approval (the floor:
// vault.get without approvals, same peer, same session), then on the approved one, every read
// served by the grant. Just before each agent round, the person's own run on the same daemon is
// reported beside them.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RpcClient } from "../src/rpc/client.js";
import { type BenchDaemon, benchDir, load, median, pairedRatio, row, sleep, warden, type Row } from "./lib.js";

// agent.cjs <socket> <dir> <load-client.js> <rounds> <n> <grantedParamsJson> <plainParamsJson>
// res-<i>.json: {plain: {p50us, p99us} | {error}, granted: {p50us, p99us}}. The plain read fails
// (approval_pending) where the agent's session scope does not cover that entry: then no floor.
const SCRIPT = `
const net = require("node:net"), fs = require("node:fs"), path = require("node:path"), { spawnSync } = require("node:child_process");
const [sock, dir, client, rounds, n, params, plainParams] = process.argv.slice(2);
const fail = (why) => { fs.writeFileSync(path.join(dir, "error.json"), JSON.stringify(why)); process.exit(1); };
const round = (i) => {
  if (i >= Number(rounds)) return process.exit(0);
  if (!fs.existsSync(path.join(dir, "go-" + i))) return setTimeout(round, 20, i);
  const run = (p) => spawnSync(process.execPath, [client, "latency", sock, n, "vault.get", p], { encoding: "utf8" });
  const plain = run(plainParams);
  const r = run(params);
  if (r.status !== 0) fail(r.stderr);
  const res = { plain: plain.status === 0 ? JSON.parse(plain.stdout) : { error: plain.stderr.slice(0, 500) }, granted: JSON.parse(r.stdout) };
  fs.writeFileSync(path.join(dir, "res-" + i + ".tmp"), JSON.stringify(res));
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

type Round = { person: Latency; plain: Latency | { error: string }; granted: Latency };

/** The rows: granted against the agent's own read without approval (the target), and against a person's (reported). */
export async function grantRows(
  d: BenchDaemon,
  dir: string,
  rounds: number,
  n: number,
  params: { person: string; granted: string; plain: string },
  log: (line: string) => void,
): Promise<Row[]> {
  const r = await grantedReads(d, dir, rounds, n, params, log);
  const granted = r.map((x) => x.granted.p50us);
  const person = r.map((x) => x.person.p50us);
  const plain = r.map((x) => ("p50us" in x.plain ? x.plain.p50us : Number.NaN));
  const rows: Row[] = [];
  const metric = "vault.get p50, a grant in force (µs)";
  if (plain.every(Number.isFinite)) {
    const ratio = pairedRatio(granted, plain);
    rows.push(row(metric, median(granted), median(plain), "same agent, no approval needed", "<= 1.2x", ratio <= 1.2, ratio));
  } else {
    const why = r.map((x) => ("error" in x.plain ? x.plain.error : "")).find(Boolean);
    log(`  the agent's read without approval was refused (${why?.trim()}): no same-agent floor`);
  }
  rows.push(row(metric, median(granted), median(person), "a person's vault.get", "(reported)", true, pairedRatio(granted, person)));
  return rows;
}

async function grantedReads(
  d: BenchDaemon,
  dir: string,
  rounds: number,
  n: number,
  params: { person: string; granted: string; plain: string },
  log: (line: string) => void,
): Promise<Round[]> {
  writeFileSync(join(dir, "agent.cjs"), SCRIPT);
  const argv = [
    process.execPath,
    join(dir, "agent.cjs"),
    d.socket,
    dir,
    join(benchDir, "load-client.js"),
    String(rounds),
    String(n),
    params.granted,
    params.plain,
  ];
  const c = await RpcClient.connect(d.socket);
  try {
    // The plain entry is in the session's credential scope (needs no approval); GRANTED's policy is `always`.
    const s = await c.call("sessions.launch", { argv, cwd: dir, mode: "task", allow: ["bench/API_KEY"] });
    const request = await until(async () => (await c.call("approvals.list", { session: s.id, state: "pending" })).requests[0], "the agent's request", dir);
    warden(d.env, ["approve", request.id, "--for", "1h"]);
    const out: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      log(`  vault.get with a grant in force vs without approvals: round ${i + 1}/${rounds}`);
      const person = load<Latency>("latency", d.socket, n, "vault.get", params.person);
      writeFileSync(join(dir, `go-${i}`), "");
      const res = join(dir, `res-${i}.json`);
      const agent = await until(() => existsSync(res) && (JSON.parse(readFileSync(res, "utf8")) as Omit<Round, "person">), `the agent's round ${i + 1}`, dir);
      out.push({ person, ...agent });
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
