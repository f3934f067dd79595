// Issue 6's figures, side by side in one run: the initial import of generated Claude Code
// transcripts through a real daemon (masking, importer, SQLite and FTS5), against the masker alone
// and a raw line read of the same files; append-to-searchable latency; and an idle daemon's CPU
// over 10,000 unchanged transcript files. WARDEN_BENCH_SYNC_MB sets the import size (default 1024).
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { appendFileSync } from "node:fs";
import { scanLines } from "../src/ledger/jsonl.js";
import { maskText } from "../src/masking/masker.js";
import { SecretValues } from "../src/masking/secret-values.js";
import { RpcClient } from "../src/rpc/client.js";
import { median, row, sleep, startDaemon, stopDaemon, type BenchDaemon, type Row } from "./lib.js";
import { Rng, writeCorpus } from "./transcripts.js";

const MB = 1e6;

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
}

async function call<T>(d: BenchDaemon, fn: (c: RpcClient) => Promise<T>): Promise<T> {
  const c = await RpcClient.connect(d.socket);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

const claudeRoot = (d: BenchDaemon) => join(d.home, "..", "claude", "projects");

/** MB/s of `perLine` over every line of `paths`. */
function readRate(paths: string[], bytes: number, perLine: (text: string) => void): number {
  const t0 = performance.now();
  for (const p of paths) scanLines(p, 0, (text) => void perLine(text));
  return bytes / MB / ((performance.now() - t0) / 1000);
}

async function importFigures(log: (l: string) => void): Promise<Row[]> {
  const size = Number(process.env.WARDEN_BENCH_SYNC_MB ?? 1024);
  // No watcher and no periodic pass: the import starts when sync.run asks, so it is timed alone.
  const d = await startDaemon({ sync: { watch: false, reconcileSecs: 86400 } });
  try {
    const staging = join(d.home, "..", "staging");
    log(`  generating ${size} MB of transcripts`);
    const corpus = writeCorpus(staging, Math.max(8, Math.round(size / 4)), size * MB);
    log(`  floors: raw line read, masker alone`);
    const raw = readRate(corpus.paths, corpus.bytes, () => {});
    const secrets = new SecretValues();
    let found = 0;
    const masker = readRate(corpus.paths, corpus.bytes, (t) => void (found += Object.keys(maskText(t, secrets).hits).length));
    mkdirSync(join(claudeRoot(d), ".."), { recursive: true });
    renameSync(staging, claudeRoot(d)); // instant: the files were written (and cached) before timing
    log(`  importing ${(corpus.bytes / MB).toFixed(0)} MB through the daemon`);
    const t0 = performance.now();
    const r = await call(d, (c) => c.call("sync.run", {}));
    const seconds = (performance.now() - t0) / 1000;
    const rate = corpus.bytes / MB / seconds;
    const st = await call(d, (c) => c.call("sync.status", {}));
    const claude = st.sources.find((s) => s.source === "claude-code")!;
    if (claude.files !== corpus.paths.length || claude.filesBehind !== 0) throw new Error(`import incomplete: ${JSON.stringify(claude)}`);
    if (claude.masked < corpus.secrets) throw new Error(`masked ${claude.masked} of ${corpus.secrets} secrets`);
    log(`  ${r.rows} rows, ${claude.masked} secrets masked (masker alone found ${found}), ${seconds.toFixed(1)} s`);
    return [
      row(
        `import ${(corpus.bytes / MB).toFixed(0)} MB, masked + indexed (MB/s)`,
        Math.round(rate * 10) / 10,
        Math.round(masker * 10) / 10,
        "masker alone",
        ">= 20 MB/s",
        rate >= 20,
      ),
      row("same import vs raw line read (MB/s)", Math.round(rate * 10) / 10, Math.round(raw * 10) / 10, "raw line read", "reported", true),
    ];
  } finally {
    await stopDaemon(d);
  }
}

async function idleAndLatency(log: (l: string) => void): Promise<Row[]> {
  const d = await startDaemon(); // defaults: watcher on, a full pass every 60 s
  try {
    log("  writing 10,000 transcripts");
    const corpus = writeCorpus(claudeRoot(d), 10_000, 10_000 * 3000, 7);
    await call(d, (c) => c.call("sync.run", {}));
    const idleSecs = Number(process.env.WARDEN_BENCH_IDLE_SECS ?? 60);
    log(`  idle for ${idleSecs} s over ${corpus.paths.length} unchanged files`);
    const pid = d.child.pid!;
    const c0 = cpuTicks(pid);
    const t0 = performance.now();
    await sleep(idleSecs * 1000);
    const cpu = ((cpuTicks(pid) - c0) / 100 / ((performance.now() - t0) / 1000)) * 100;

    log("  append-to-searchable latency, 50 appends");
    const r = new Rng(99);
    const lat: number[] = [];
    const client = await RpcClient.connect(d.socket);
    try {
      for (let i = 0; i < 50; i++) {
        const word = `zq${i}w${r.int(1e9)}`;
        const path = corpus.paths[r.int(corpus.paths.length)]!;
        const session = path.split("/").at(-1)!.replace(".jsonl", "");
        const start = performance.now();
        appendFileSync(
          path,
          JSON.stringify({
            type: "user",
            sessionId: session,
            uuid: word,
            timestamp: new Date().toISOString(),
            message: { role: "user", content: `please look at ${word}` },
          }) + "\n",
        );
        while ((await client.call("search.query", { q: word })).results.length === 0) {
          if (performance.now() - start > 10_000) throw new Error(`${word} not searchable after 10 s`);
          await sleep(5);
        }
        lat.push(performance.now() - start);
        await sleep(100 + r.int(200));
      }
    } finally {
      client.close();
    }
    const sorted = [...lat].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)]!;
    return [
      row("append to searchable p50 (ms)", Math.round(median(lat)), null, "", "reported", true),
      row("append to searchable p95 (ms)", Math.round(p95), null, "", "<= 1000 ms", p95 <= 1000),
      row(`idle CPU, 10,000 files, ${idleSecs} s (% of a core)`, Math.round(cpu * 100) / 100, null, "", "< 1%", cpu < 1),
    ];
  } finally {
    await stopDaemon(d);
  }
}

export async function syncBench(log: (l: string) => void): Promise<Row[]> {
  return [...(await importFigures(log)), ...(await idleAndLatency(log))];
}
