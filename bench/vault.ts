// Issue 3's figures, side by side in one run: vault.get against ping on the same daemon (the
// audit append is the difference), 8 concurrent clients, and `warden get` as a whole process
// against `node -e 0` and against `pass show` (Debian's pass, gpg-agent warm). Issue 14's: an
// agent's vault.get served by a grant in force against the same agent's vault.get of an entry
// that needs no approval (grant-agent.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grantRows } from "./grant-agent.js";
import { load, median, pairedRatio, root, row, startDaemon, stopDaemon, timeProcess, warden, wardenBin, type Row } from "./lib.js";

const ROUNDS = 5;
const PASS = "bench-passphrase";
// A distinct reason per call: the cost of an audited read, one record each. (Identical reads in a
// loop are coalesced and wait for their group commit: bench/audit.ts measures those.)
const GET = JSON.stringify({ vault: "bench", name: "API_KEY", reason: "bench {i}" });

export async function vaultBench(log: (line: string) => void): Promise<Row[]> {
  const projects = mkdtempSync(join(tmpdir(), "wd-bench-agent-"));
  // The agent's reads are its session's: unlimited here, so the limiter never refuses a latency run.
  const rateLimit = { perSec: 1_000_000, burst: 1_000_000 };
  const d = await startDaemon({ vault: { kdf: "interactive", rateLimit }, sessions: { projects: [projects] } });
  const rows: Row[] = [];
  try {
    warden(d.env, ["vault", "init", "bench", "--passphrase-stdin"], `${PASS}\n`);
    for (let i = 0; i < 20; i++) warden(d.env, ["vault", "add", "bench", i === 0 ? "API_KEY" : `OTHER_${i}`, "--passphrase-stdin"], `${PASS}\nsk-bench-${i}`);
    warden(d.env, ["vault", "add", "bench", "GRANTED", "--approval", "always", "--passphrase-stdin"], `${PASS}\nsk-bench-granted`);
    warden(d.env, ["vault", "unlock", "bench", "--passphrase-stdin"], `${PASS}\n`);

    const lat = { ping: [] as number[][], get: [] as number[][] };
    for (let i = 0; i < ROUNDS; i++) {
      log(`  vault.get vs ping latency: round ${i + 1}/${ROUNDS}`);
      const p = load<{ p50us: number; p99us: number }>("latency", d.socket, 10_000);
      const g = load<{ p50us: number; p99us: number }>("latency", d.socket, 10_000, "vault.get", GET);
      lat.ping.push([p.p50us, p.p99us]);
      lat.get.push([g.p50us, g.p99us]);
    }
    const at = (xs: number[][], i: number) => median(xs.map((x) => x[i]!));
    const col = (xs: number[][], i: number) => xs.map((x) => x[i]!);
    const p50 = pairedRatio(col(lat.get, 0), col(lat.ping, 0));
    rows.push(row("vault.get round trip p50 (µs)", at(lat.get, 0), at(lat.ping, 0), "ping, same daemon", "<= 1.5x ping", p50 <= 1.5, p50));
    rows.push(
      row(
        "vault.get round trip p99 (µs)",
        at(lat.get, 1),
        at(lat.ping, 1),
        "ping, same daemon",
        "(reported)",
        true,
        pairedRatio(col(lat.get, 1), col(lat.ping, 1)),
      ),
    );

    // An agent's read served by a grant approved once (`warden approve --for 1h`), beside the same
    // agent's read of an entry that needs no approval, and a person's read (grant-agent.ts).
    const agentGet = (name: string) => JSON.stringify({ vault: "bench", name, reason: "bench {i}" });
    rows.push(...(await grantRows(d, projects, ROUNDS, 10_000, { person: GET, granted: agentGet("GRANTED"), plain: agentGet("API_KEY") }, log)));

    const tp = { ping: [] as number[], get: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      log(`  8 concurrent clients: round ${i + 1}/${ROUNDS}`);
      tp.ping.push(load<{ reqPerSec: number }>("throughput", d.socket, 8, 40_000).reqPerSec);
      tp.get.push(load<{ reqPerSec: number }>("throughput", d.socket, 8, 40_000, "vault.get", GET).reqPerSec);
    }
    rows.push(row("vault.get, 8 clients pipelined (req/s)", median(tp.get), median(tp.ping), "ping, same daemon", "(reported)", true));

    log("  warden get process vs node -e 0 and pass show");
    const env = { ...d.env, WARDEN_SOCKET: d.socket };
    const args = [wardenBin, "get", "API_KEY", "--vault", "bench", "--reason", "bench"];
    const pass = setUpPass();
    const socat = spawnSync("sh", ["-c", "command -v socat"]).status === 0;
    const shellGet = [join(root, "examples", "shell", "get-secret.sh"), "API_KEY", "bench", "bench"];
    const cli: number[] = [];
    const bare: number[] = [];
    const passTimes: number[] = [];
    const shellTimes: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        bare.push(timeProcess(["-e", "0"], env));
        cli.push(timeProcess(args, env));
        if (pass) passTimes.push(timeProcess(["show", "bench/key"], pass.env, "pass"));
        if (socat) shellTimes.push(timeProcess(shellGet, env, "sh"));
      }
    } finally {
      pass?.cleanup();
    }
    const c = Math.round(median(cli) * 10) / 10;
    const b = Math.round(median(bare) * 10) / 10;
    const vsNode = pairedRatio(cli, bare);
    rows.push(row("`warden get` whole process (ms)", c, b, "node -e 0", "<= 1.5x node", vsNode <= 1.5, vsNode));
    if (pass) {
      const p = Math.round(median(passTimes) * 10) / 10;
      rows.push(row("`warden get` whole process (ms)", c, p, "pass show (gpg-agent warm)", "(reported)", true, pairedRatio(cli, passTimes)));
      if (socat) {
        const sh = Math.round(median(shellTimes) * 10) / 10;
        rows.push(
          row(
            "vault.get via examples/shell (socat), process (ms)",
            sh,
            p,
            "pass show (gpg-agent warm)",
            "(reported)",
            true,
            pairedRatio(shellTimes, passTimes),
          ),
        );
      }
    } else {
      log("  pass or gpg not installed (apt-get install pass gnupg): no pass comparison");
    }
  } finally {
    await stopDaemon(d);
    rmSync(projects, { recursive: true, force: true });
  }
  return rows;
}

/** A throwaway password store with an unprotected gpg key, its agent started, one secret in it. */
function setUpPass(): { env: NodeJS.ProcessEnv; cleanup(): void } | null {
  if (spawnSync("sh", ["-c", "command -v pass && command -v gpg"]).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), "wd-pass-"));
  const env = { ...process.env, GNUPGHOME: join(dir, "gnupg"), PASSWORD_STORE_DIR: join(dir, "store") };
  const run = (cmd: string, args: string[], input?: string) => {
    const r = spawnSync(cmd, args, { env, input, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  spawnSync("mkdir", ["-m", "700", env.GNUPGHOME]);
  run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "bench@warden.invalid", "default", "default", "never"]);
  const fpr = /fpr:::::::::([0-9A-F]+):/.exec(run("gpg", ["--batch", "--with-colons", "--list-secret-keys"]))![1]!;
  run("pass", ["init", fpr]);
  run("pass", ["insert", "-e", "bench/key"], "sk-bench-0\n");
  run("pass", ["show", "bench/key"]); // starts and warms gpg-agent
  return {
    env,
    cleanup() {
      spawnSync("gpgconf", ["--kill", "gpg-agent"], { env });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
