// Issue 11's audit flooding figure: the audit log's growth while 64 clients hammer vault.get, each
// in a loop (identical reads, coalesced: target under 100 KB/s), beside the same load with a
// distinct reason per call (every read its own record, as before coalescing), and the throughput
// of both beside ping on the same daemon. WARDEN_BENCH_AUDIT_SECS sets each phase's length
// (default 30 s, as the issue asks; 3 phases); the clients are WARDEN_BENCH_AUDIT_PROCS processes
// (default 8, each a distinct peer: coalescing is per process) of 64 / procs connections. Then
// issue 14's: the append rate with checkpointing beside without (audit-checkpoints.ts).
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { checkpointBench, checkpointServeBench } from "./audit-checkpoints.js";
import { benchDir, row, startDaemon, stopDaemon, warden, type BenchDaemon, type Row } from "./lib.js";

const CLIENTS = 64;
const PASS = "bench-passphrase";

export async function auditBench(log: (line: string) => void): Promise<Row[]> {
  const secs = Number(process.env.WARDEN_BENCH_AUDIT_SECS ?? 30);
  const procs = Number(process.env.WARDEN_BENCH_AUDIT_PROCS ?? 8);
  const d = await startDaemon({ vault: { kdf: "interactive" } });
  try {
    warden(d.env, ["vault", "init", "bench", "--passphrase-stdin"], `${PASS}\n`);
    warden(d.env, ["vault", "add", "bench", "API_KEY", "--passphrase-stdin"], `${PASS}\nsk-bench-0123456789`);
    warden(d.env, ["vault", "unlock", "bench", "--passphrase-stdin"], `${PASS}\n`);
    const get = (reason: string) => JSON.stringify({ vault: "bench", name: "API_KEY", reason });

    log(`  ${CLIENTS} clients (${procs} processes) pinging for ${secs} s`);
    const ping = await hammer(d, procs, secs);
    log(`  ${CLIENTS} clients hammering identical vault.get for ${secs} s`);
    const same = await hammer(d, procs, secs, get("hammer"));
    log(`  ${CLIENTS} clients hammering distinct vault.get (no coalescing) for ${secs} s`);
    const distinct = await hammer(d, procs, secs, get("hammer {i}"));
    const checkpointing = [await checkpointServeBench(log, d, PASS, procs, secs, hammer), await checkpointBench(log, secs)];
    const kb = (bytes: number, s: number) => Math.round(bytes / s / 102.4) / 10;
    const grew = kb(same.auditBytes, same.seconds);
    return [
      row(
        `audit growth, ${CLIENTS} clients hammering vault.get (KB/s)`,
        grew,
        kb(distinct.auditBytes, distinct.seconds),
        "distinct reads: a record each",
        "< 100 KB/s",
        grew < 100,
      ),
      row(`vault.get, ${CLIENTS} clients in a loop, identical (req/s)`, same.reqPerSec, ping.reqPerSec, "ping, same daemon", "(reported)", true),
      row(`vault.get, ${CLIENTS} clients in a loop, distinct (req/s)`, distinct.reqPerSec, ping.reqPerSec, "ping, same daemon", "(reported)", true),
      ...checkpointing,
    ];
  } finally {
    await stopDaemon(d);
  }
}

/** `procs` load clients at once, CLIENTS connections in all, each call waiting for the last. */
async function hammer(d: BenchDaemon, procs: number, secs: number, params?: string): Promise<{ reqPerSec: number; seconds: number; auditBytes: number }> {
  const audit = join(d.home, "audit", "bench.jsonl");
  const size = () => statSync(audit, { throwIfNoEntry: false })?.size ?? 0;
  const before = size();
  const results = await Promise.all(
    Array.from({ length: procs }, (_, i) => {
      const conns = Math.floor(CLIENTS / procs) + (i < CLIENTS % procs ? 1 : 0);
      const args = [join(benchDir, "load-client.js"), "hammer", d.socket, String(conns), String(secs), "1", ...(params ? ["vault.get", params] : [])];
      return new Promise<{ reqPerSec: number; seconds: number }>((resolve, reject) => {
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.stdout.on("data", (b) => (out += b));
        child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load-client hammer exited ${code}`))));
      });
    }),
  );
  const seconds = Math.max(...results.map((r) => r.seconds)); // the load's own span: process start-up is not audit time
  return { reqPerSec: results.reduce((n, r) => n + r.reqPerSec, 0), seconds, auditBytes: size() - before };
}
