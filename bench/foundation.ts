// Issue 2's figures, each measured side by side in one run against its floor: a bare Node NDJSON
// echo server (for round trip and throughput) and `node -e 0` (for process start-up). Pairs are
// interleaved and repeated, and the median kept, because these machines are shared and noisy.
import { join } from "node:path";
import { load, median, pairedRatio, row, rssMiB, sleep, startDaemon, startEcho, stopDaemon, timeProcess, wardenBin, type Row } from "./lib.js";

const ROUNDS = 3;

export async function foundationBench(log: (line: string) => void): Promise<Row[]> {
  const daemon = await startDaemon();
  const echoSocket = join(daemon.home, "echo.sock");
  const echo = await startEcho(echoSocket);
  const rows: Row[] = [];
  try {
    await sleep(1000);
    const idleRss = rssMiB(daemon.child.pid!);
    const echoRss = rssMiB(echo.pid!);

    const pair = <T>(what: string, run: (socket: string) => T): { warden: T[]; floor: T[] } => {
      const out = { warden: [] as T[], floor: [] as T[] };
      for (let i = 0; i < ROUNDS; i++) {
        log(`  ${what}: round ${i + 1}/${ROUNDS}`);
        out.floor.push(run(echoSocket));
        out.warden.push(run(daemon.socket));
      }
      return out;
    };

    const lat = pair("ping latency", (s) => load<{ p50us: number; p99us: number }>("latency", s, 20_000));
    const of = (rs: Array<{ p50us: number; p99us: number }>, k: "p50us" | "p99us") => rs.map((r) => r[k]);
    const p50 = { w: median(of(lat.warden, "p50us")), f: median(of(lat.floor, "p50us")), r: pairedRatio(of(lat.warden, "p50us"), of(lat.floor, "p50us")) };
    const p99 = { w: median(of(lat.warden, "p99us")), f: median(of(lat.floor, "p99us")), r: pairedRatio(of(lat.warden, "p99us"), of(lat.floor, "p99us")) };
    rows.push(row("ping round trip p50 (µs)", p50.w, p50.f, "echo server", "<= 2x echo", p50.r <= 2, p50.r));
    rows.push(row("ping round trip p99 (µs)", p99.w, p99.f, "echo server", "(reported)", true, p99.r));

    for (const conns of [1, 8]) {
      const tp = pair(`throughput, ${conns} connection(s)`, (s) => load<{ reqPerSec: number }>("throughput", s, conns, 200_000));
      const w = median(tp.warden.map((r) => r.reqPerSec));
      const f = median(tp.floor.map((r) => r.reqPerSec));
      rows.push(row(`pipelined ping, ${conns} conn (req/s)`, w, f, "echo server", conns === 1 ? ">= 50000" : "(reported)", conns === 1 ? w >= 50_000 : true));
    }

    // V8 keeps the heap it grew under load until its memory reducer runs after some idle time;
    // poll until RSS is back near its idle level (or two minutes pass) and report how long it took.
    const peakRss = rssMiB(daemon.child.pid!);
    log("  waiting for the daemon to settle after load");
    const t0 = Date.now();
    let settledRss = peakRss;
    while (settledRss > idleRss * 1.15 && Date.now() - t0 < 120_000) {
      await sleep(1000);
      settledRss = rssMiB(daemon.child.pid!);
    }
    const settleSecs = Math.round((Date.now() - t0) / 1000);
    rows.push(row("daemon idle RSS after start (MiB)", idleRss, echoRss, "echo server", "<= 80", idleRss <= 80));
    rows.push(row("daemon RSS right after the load (MiB)", peakRss, rssMiB(echo.pid!), "echo server", "(reported)", true));
    rows.push(row(`daemon RSS idle again after load (MiB, ${settleSecs} s)`, settledRss, null, "", "<= 80", settledRss <= 80));

    log("  warden ping process vs node -e 0");
    const env = { ...process.env, WARDEN_SOCKET: daemon.socket };
    const cli: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 20; i++) {
      bare.push(timeProcess(["-e", "0"], env));
      cli.push(timeProcess([wardenBin, "ping"], env));
    }
    const c = Math.round(median(cli) * 10) / 10;
    const b = Math.round(median(bare) * 10) / 10;
    const vsNode = pairedRatio(cli, bare);
    rows.push(row("`warden ping` whole process (ms)", c, b, "node -e 0", "<= 1.5x node", vsNode <= 1.5, vsNode));
  } finally {
    echo.kill();
    await stopDaemon(daemon);
  }
  return rows;
}
