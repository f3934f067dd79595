// Issue 4's figures, side by side in one run with their floor: bare better-sqlite3 inserting the
// same rows in 10k-row transactions, and a bare JSONL append of them with one fdatasync per batch.
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { uuidv7 } from "../src/ledger/ids.js";
import { LedgerWriter } from "../src/ledger/writer.js";
import { catchUpAll } from "../src/sync/catch-up.js";
import { lineHash } from "../src/sync/resume.js";
import { verify } from "../src/sync/source-rows.js";
import { Projection } from "../src/projection/projection.js";
import { ledgerSource } from "../src/projection/sources.js";
import { RpcClient } from "../src/rpc/client.js";
import { median, pairedRatio, pingUntilStopped, row, startDaemon, stopDaemon, type Row } from "./lib.js";

const APPEND_N = 200_000;
const REBUILD_N = 1_000_000;
const SESSIONS = 100;
const payload = (i: number) => ({ text: `event ${i} `.padEnd(88, "x") }); // data: 100 bytes of JSON

function eventLine(session: string, seq: number): string {
  return JSON.stringify({ v: 1, session, seq, ts: new Date(1_800_000_000_000 + seq).toISOString(), kind: "note", data: payload(seq) });
}

/** The floor: the same rows through bare better-sqlite3 (10k-row transactions) and bare JSONL appends. */
function floor(dir: string, n: number): { sqlite: number; jsonl: number; combined: number } {
  const db = new Database(join(dir, "floor.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(
    "CREATE TABLE events (session TEXT NOT NULL, seq INTEGER NOT NULL, ts TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (session, seq)) WITHOUT ROWID",
  );
  const ins = db.prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?)");
  const session = uuidv7();
  let t0 = performance.now();
  for (let b = 0; b < n; b += 10_000) {
    db.transaction(() => {
      for (let i = b; i < Math.min(n, b + 10_000); i++) ins.run(session, i + 1, new Date().toISOString(), "note", JSON.stringify(payload(i)));
    })();
  }
  const sqlite = n / ((performance.now() - t0) / 1000);
  db.close();
  const fd = openSync(join(dir, "floor.jsonl"), "a");
  t0 = performance.now();
  for (let b = 0; b < n; b += 10_000) {
    const lines: string[] = [];
    for (let i = b; i < Math.min(n, b + 10_000); i++) lines.push(eventLine(session, i + 1));
    writeSync(fd, lines.join("\n") + "\n");
    fdatasyncSync(fd);
  }
  const jsonl = n / ((performance.now() - t0) / 1000);
  closeSync(fd);
  return { sqlite, jsonl, combined: 1 / (1 / sqlite + 1 / jsonl) };
}

/** The ledger writer and projection apply, as the daemon wires them, without the socket. */
async function ledgerInProcess(dir: string, n: number): Promise<number> {
  mkdirSync(join(dir, "ledger", "b"), { recursive: true });
  const p = Projection.open(join(dir, "p.sqlite"));
  const w = new LedgerWriter({ dir: join(dir, "ledger", "b"), durability: "batch", flushMs: 10, maxBatchBytes: 64 * 1024, maxOpenFiles: 256 }, (files) => {
    for (const f of files) {
      const st = statSync(f.path);
      const last = f.events.at(-1)!.event;
      p.applyLedger(ledgerSource(dir, "b", f.session), f.events, {
        size: f.end,
        mtime_ms: st.mtimeMs,
        inode: st.ino,
        tail_hash: lineHash(f.lastLine),
        offset: f.end,
        last_seq: last.seq,
      });
    }
  });
  const session = uuidv7();
  const t0 = performance.now();
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    window.push(w.append(session, "note", payload(i)));
    if (window.length >= 4096) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
  const rate = n / ((performance.now() - t0) / 1000);
  await w.close();
  p.close();
  return rate;
}

/**
 * Through the daemon: a client keeping 2048 events.append calls in flight. An append is answered
 * when its batch is durable (<= 10 ms), so throughput over one connection is bounded by the number
 * of calls in flight per batch interval.
 */
async function ledgerOverSocket(socket: string, n: number): Promise<number> {
  const c = await RpcClient.connect(socket);
  const session = (await c.call("sessions.open", { title: "bench" })).id;
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const p: Promise<unknown> = c.call("events.append", { session, kind: "note", data: payload(i) }).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 2048) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  c.close();
  return n / ((performance.now() - t0) / 1000);
}

function writeSources(home: string, n: number): void {
  const dir = join(home, "ledger", "bench");
  mkdirSync(dir, { recursive: true });
  const per = n / SESSIONS;
  for (let s = 0; s < SESSIONS; s++) {
    const session = uuidv7(1_800_000_000_000 + s);
    const fd = openSync(join(dir, `${session}.jsonl`), "w");
    for (let b = 0; b < per; b += 10_000) {
      const lines: string[] = [];
      for (let i = b; i < Math.min(per, b + 10_000); i++) lines.push(eventLine(session, i + 1));
      writeSync(fd, lines.join("\n") + "\n");
    }
    closeSync(fd);
  }
}

export async function ledgerBench(log: (line: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "wd-bench-ledger-"));
  const rows: Row[] = [];
  try {
    const floors: Array<ReturnType<typeof floor>> = [];
    const ours: number[] = [];
    for (let round = 0; round < 3; round++) {
      log(`  round ${round + 1}/3: floor (bare better-sqlite3, JSONL + fdatasync), then the ledger, ${APPEND_N} events each`);
      const rd = mkdtempSync(join(dir, "r"));
      floors.push(floor(rd, APPEND_N));
      ours.push(await ledgerInProcess(rd, APPEND_N));
      rmSync(rd, { recursive: true, force: true });
    }
    const f = { sqlite: median(floors.map((x) => x.sqlite)), jsonl: median(floors.map((x) => x.jsonl)), combined: median(floors.map((x) => x.combined)) };
    const appendRatio = pairedRatio(
      ours,
      floors.map((x) => x.combined),
    );
    rows.push(
      row(
        "ledger append, source + projection (events/s)",
        Math.round(median(ours)),
        Math.round(f.combined),
        "sqlite + jsonl floor, combined",
        ">= 0.6x",
        appendRatio >= 0.6,
        appendRatio,
      ),
    );
    log(`  writing ${REBUILD_N} events into ${SESSIONS} source files`);
    const d = await startDaemon();
    try {
      log("  events.append over the socket (2048 in flight)");
      const overSocket = await ledgerOverSocket(d.socket, APPEND_N / 2);
      rows.push(
        row("events.append over the socket (events/s)", Math.round(overSocket), Math.round(f.combined), "sqlite + jsonl floor, combined", "(reported)", true),
      );

      writeSources(d.home, REBUILD_N);
      log("  import of 1M events into a new projection, in process");
      const fresh = Projection.open(join(dir, "rebuild.sqlite"));
      let t0 = performance.now();
      catchUpAll(fresh, d.home);
      const importRate = REBUILD_N / ((performance.now() - t0) / 1000);
      t0 = performance.now();
      const v = verify(d.home, fresh.db);
      const verifySecs = (performance.now() - t0) / 1000;
      fresh.close();

      log("  live rebuild of 1M events by the daemon, pinged from another process throughout");
      const c = await RpcClient.connect(d.socket);
      try {
        let pinger = pingUntilStopped(d.socket);
        const rebuilt = await c.call("projection.rebuild", {});
        const rb = await pinger.stop();
        const liveRate = rebuilt.rows / (rebuilt.importMs / 1000);
        rows.push(
          row(
            "live rebuild import, worker thread (events/s)",
            Math.round(liveRate),
            Math.round(f.sqlite),
            "bare sqlite insert",
            ">= 0.5x",
            liveRate >= 0.5 * f.sqlite,
          ),
        );
        rows.push(row("same import in process, no worker (events/s)", Math.round(importRate), Math.round(f.sqlite), "bare sqlite insert", "(reported)", true));
        rows.push(
          row(
            "live rebuild end to end: import, swap, verify (s)",
            Math.round(rebuilt.durationMs / 100) / 10,
            null,
            "",
            rebuilt.verify.ok ? "(reported)" : "DRIFT",
            rebuilt.verify.ok,
          ),
        );
        rows.push(row("verify, 1M events, all surfaces (s)", Math.round(verifySecs * 10) / 10, null, "", v.ok ? "(reported)" : "DRIFT", v.ok));
        rows.push(
          row(
            `ping p99 during the live rebuild (ms, ${rb.samples} pings, max ${Math.round(rb.maxUs / 100) / 10})`,
            Math.round(rb.p99us / 100) / 10,
            null,
            "",
            "<= 20",
            rb.p99us <= 20_000,
          ),
        );
        pinger = pingUntilStopped(d.socket);
        await new Promise((r) => setTimeout(r, 100));
        await c.call("projection.backup", {});
        const bk = await pinger.stop();
        rows.push(
          row(
            `ping p99 during an online backup (ms, ${bk.samples} pings, max ${Math.round(bk.maxUs / 100) / 10})`,
            Math.round(bk.p99us / 100) / 10,
            null,
            "",
            "<= 20",
            bk.p99us <= 20_000,
          ),
        );
      } finally {
        c.close();
      }
    } finally {
      await stopDaemon(d);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
