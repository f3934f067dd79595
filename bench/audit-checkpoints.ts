// Issue 14's checkpointing figure: the audit append rate under 64 clients with checkpointing (the
// Merkle tree over every line, a signed checkpoint at most once a second with its fdatasync)
// beside the same without, in one run on one machine. The target row: 64 clients in a loop, each
// vault.get distinct (a record per read), served by the daemon's own socket server, dispatcher,
// vault and audit log in a bench server (audit-server.ts) started with checkpoints or without, in
// short phases alternated and compared pairwise (drift between phases cancels out; each pair is
// printed). Reported beside it: the raw append rate in process (nothing but appends, 64 loops on
// one event loop), the cost's upper bound: per record the tree adds a SHA-256 over the line, as
// the hash chain already pays, and a node hash.
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadAuditSigner, type AuditSigner } from "../src/ledger/audit-key.js";
import { AuditLog, type AuditFields } from "../src/ledger/audit-log.js";
import { resolvePaths } from "../src/platform/paths.js";
import { ensureHome } from "../src/platform/secure-dir.js";
import { benchDir, median, pairedRatio, row, waitReady, type BenchDaemon, type Row } from "./lib.js";

const CLIENTS = 64;

type Hammer = (d: BenchDaemon, procs: number, secs: number, params?: string) => Promise<{ reqPerSec: number }>;

/**
 * vault.get under 64 clients (each read its own record) with checkpointing and without: `d` is a
 * bench daemon's home, its vault `bench` (passphrase `pass`) holding API_KEY.
 */
export async function checkpointServeBench(
  log: (line: string) => void,
  d: BenchDaemon,
  pass: string,
  procs: number,
  secs: number,
  hammer: Hammer,
): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "wd-bench-cps-"));
  try {
    // Five pairs of short phases, not three long ones: on a shared machine a burst of other load
    // skews the pair it lands in, and the median of five pairs shrugs off two such pairs (an odd
    // count: median() of an even one takes the upper middle, a bias upward).
    const rounds = 5;
    const phase = Math.max(3, Math.round(secs / 5));
    log(`  ${CLIENTS} clients hammering distinct vault.get, ${rounds} rounds of ${phase} s with and without checkpointing`);
    const withCp: number[] = [];
    const without: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const signed of r % 2 === 0 ? [true, false] : [false, true]) {
        const socket = join(dir, `s${r}${signed ? "c" : "p"}.sock`);
        const audit = join(dir, `a${r}${signed ? "c" : "p"}.jsonl`);
        const server = fork(join(benchDir, "audit-server.js"), [d.home, socket, audit, signed ? "checkpoints" : "plain", pass], {
          stdio: ["ignore", "ignore", "inherit", "ipc"],
        });
        try {
          await waitReady(server, "audit bench server");
          const params = JSON.stringify({ vault: "bench", name: "API_KEY", reason: "checkpointing {i}" });
          (signed ? withCp : without).push((await hammer({ ...d, socket }, procs, phase, params)).reqPerSec);
        } finally {
          server.kill("SIGTERM");
          await new Promise((r) => server.once("exit", r));
        }
      }
    }
    const ratio = pairedRatio(withCp, without);
    log(`    pairs (with / without, records/s): ${withCp.map((w, i) => `${Math.round(w)}/${Math.round(without[i]!)}`).join(" ")}`);
    return row(
      `audit append rate, ${CLIENTS} clients, distinct vault.get, with checkpointing (records/s)`,
      Math.round(median(withCp)),
      Math.round(median(without)),
      "no checkpointing, same run",
      ">= 0.95x (adds <= 5%)",
      ratio >= 0.95,
      ratio,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The raw append rate in process, with checkpointing and without: the cost's upper bound (reported). */
export async function checkpointBench(log: (line: string) => void, secs: number): Promise<Row> {
  const base = mkdtempSync(join(tmpdir(), "wd-bench-cp-"));
  const paths = resolvePaths({ WARDEN_HOME: join(base, "h"), WARDEN_HOST: "bench", HOME: base });
  ensureHome(paths);
  mkdirSync(join(paths.home, "audit"), { mode: 0o700 });
  const signer = loadAuditSigner(paths);
  try {
    const rounds = 7; // odd: the median of the pairs is the middle one
    const phaseMs = Math.max(1000, Math.round((secs * 1000) / rounds / 2));
    log(`  ${CLIENTS} clients appending audit records, ${rounds} rounds of ${phaseMs / 1000} s with and without checkpointing`);
    const withCp: number[] = [];
    const without: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so neither always gets the warmer (or the colder) machine.
      for (const signed of r % 2 === 0 ? [true, false] : [false, true]) {
        const rate = await appendRate(join(base, `r${r}-${signed ? "cp" : "plain"}.jsonl`), signed ? signer : null, phaseMs);
        (signed ? withCp : without).push(rate);
      }
    }
    const ratio = pairedRatio(withCp, without);
    return row(
      `audit appends alone, in process, ${CLIENTS} loops, with checkpointing (records/s)`,
      Math.round(median(withCp)),
      Math.round(median(without)),
      "no checkpointing, same run",
      "(reported: upper bound of the cost)",
      true,
      ratio,
    );
  } finally {
    signer.close();
    rmSync(base, { recursive: true, force: true });
  }
}

/** Records per second appended by CLIENTS loops to a fresh log for `ms` (opening and closing it not timed). */
async function appendRate(path: string, signer: AuditSigner | null, ms: number): Promise<number> {
  const audit = new AuditLog(path, "bench", {
    hold: true,
    ...(signer ? { checkpoints: { path: path.replace(/\.jsonl$/, ".checkpoints"), signer } } : {}),
  });
  let n = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < end) {
        audit.append(read(c, n++));
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  const rate = n / ((performance.now() - t0) / 1000);
  audit.close();
  return rate;
}

/** A read's record, the size of the daemon's (peer, argv, digests). */
function read(client: number, n: number): AuditFields {
  return {
    action: "get",
    outcome: "ok",
    vault: "bench",
    name: "API_KEY",
    reason: `hammer ${client} ${n}`,
    peer: {
      uid: 1000,
      gid: 1000,
      pid: 4000 + client,
      exe: "/usr/bin/node",
      argv: ["node", "/opt/bench/load-client.js", "hammer", "/run/warden.sock", "8", "30"],
    },
    digests: { reason: "ab".repeat(32), value: "cd".repeat(32) },
  };
}
