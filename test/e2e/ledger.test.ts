// Ledger and projection end to end: a real daemon, real files, SIGKILL, damaged databases.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { packageRoot } from "../../src/platform/package-info.js";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { storedBytes, tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { watch } from "../helpers/sessions.js";

const home = tempHome();
after(() => home.cleanup());
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { ...home.env, ...env });
const ledgerDir = () => join(home.home, "ledger", "testhost");

function sourcesDigest(): string {
  const h = createHash("sha256");
  for (const f of readdirSync(ledgerDir()).sort()) h.update(f).update(readFileSync(join(ledgerDir(), f)));
  return h.digest("hex");
}

async function withClient<T>(d: TestDaemon, fn: (c: RpcClient) => Promise<T>): Promise<T> {
  const c = await RpcClient.connect(d.socket);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

let logSession = "";

describe("log sessions", () => {
  it("opens, appends, reads back with stable cursors, closes, and refuses after close", async () => {
    const d = await startTestDaemon(home);
    try {
      await withClient(d, async (c) => {
        const s = await c.call("sessions.open", { title: "refactor auth", meta: { repo: "app" } });
        logSession = s.id;
        assert.equal(s.lastSeq, 1);
        for (let i = 0; i < 5; i++) assert.equal((await c.call("events.append", { session: s.id, kind: "action", data: { step: i } })).seq, i + 2);
        const page = await c.call("events.read", { session: s.id, after: 2, limit: 2 });
        assert.deepEqual(
          page.events.map((e) => e.seq),
          [3, 4],
        );
        assert.equal(page.lastSeq, 6);
        assert.deepEqual(page.events[0]!.data, { step: 1 });
        await c.call("sessions.close", { session: s.id });
        await assert.rejects(c.call("events.append", { session: s.id, kind: "note", data: {} }), (e: any) => e.kind === "conflict");
        await assert.rejects(c.call("events.append", { session: "01a2-none", kind: "note", data: {} }), (e: any) => e.kind === "not_found");
        await assert.rejects(c.call("sessions.get", { session: "01a2-none" }), (e: any) => e.kind === "not_found");
        await assert.rejects(c.call("events.append", { session: s.id, kind: "output" as never, data: {} }), (e: any) => e.kind === "invalid_params");
        const got = await c.call("sessions.get", { session: s.id });
        assert.equal(got.state, "closed");
        assert.deepEqual(got.meta, { repo: "app" });
      });
    } finally {
      await d.kill();
    }
  });

  it("streams a log session to a subscriber: what was recorded, then each append and the close as they are made", async () => {
    const d = await startTestDaemon(home);
    try {
      await withClient(d, async (c) => {
        const s = await c.call("sessions.open", { title: "streamed" });
        await c.call("events.append", { session: s.id, kind: "note", data: { n: 1 } });
        const w = await watch(c, s.id);
        await w.until((x) => x.events.length === 2, "the two recorded events");
        await c.call("events.append", { session: s.id, kind: "note", data: { n: 2 } });
        await w.until((x) => x.events.length === 3, "the append made after subscribing");
        await c.call("sessions.close", { session: s.id });
        await w.until((x) => x.events.at(-1)?.kind === "close", "the close");
        assert.deepEqual(
          w.events.map((e) => [e.seq, e.kind]),
          [
            [1, "open"],
            [2, "note"],
            [3, "note"],
            [4, "close"],
          ],
        );
      });
    } finally {
      await d.kill();
    }
  });

  it("reads the same without a daemon, from the projection file and from the sources alone", async () => {
    const d = await startTestDaemon(home);
    const through = {
      list: (await cli(["sessions", "list", "--json"])).json(),
      get: (await cli(["sessions", "get", logSession, "--json"])).json(),
      events: (await cli(["events", logSession, "--json"])).json(),
    };
    await d.kill();
    const direct = {
      list: (await cli(["sessions", "list", "--json", "--no-daemon"])).json(),
      get: (await cli(["sessions", "get", logSession, "--json"], { WARDEN_NO_DAEMON: "1" })).json(),
      events: (await cli(["events", logSession, "--json"])).json(), // no daemon running at all
    };
    assert.deepEqual(direct, through);
    const projection = join(home.runRoot, "projection.sqlite");
    const saved = readFileSync(projection);
    writeFileSync(projection, ""); // unusable: the sources are read instead
    try {
      assert.deepEqual((await cli(["events", logSession, "--json", "--no-daemon"])).json(), through.events);
      assert.deepEqual((await cli(["sessions", "list", "--json", "--no-daemon"])).json(), through.list);
    } finally {
      writeFileSync(projection, saved);
    }
  });
});

describe("log sessions mask what they are given", () => {
  it("masks a token in a log session's title, meta and appended data before it is written", async () => {
    const h = tempHome();
    const token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
    const password = "Hunter2SuperSecretValue99x";
    const d = await startTestDaemon(h);
    try {
      await withClient(d, async (c) => {
        const s = await c.call("sessions.open", { title: `deploy ${token}`, meta: { auth: `Bearer ${token}` } });
        await c.call("events.append", { session: s.id, kind: "action", data: { cmd: `mysql -u root -p ${password}`, token } });
        const page = await c.call("events.read", { session: s.id, after: 0, limit: 10 });
        assert.ok(!JSON.stringify(page).includes(token) && JSON.stringify(page).includes("[MASKED:github]"), JSON.stringify(page));
      });
      await d.kill();
      const stored = storedBytes(h);
      assert.ok(!stored.includes(token) && !stored.includes(password), "no trace in the ledger or the projection");
    } finally {
      await d.kill().catch(() => {});
      h.cleanup();
    }
  });
});

describe("consistency under load", () => {
  it("verifies clean while appends keep arriving", async () => {
    const d = await startTestDaemon(home);
    try {
      await withClient(d, async (c) => {
        const s = await c.call("sessions.open", { title: "load" });
        let stop = false;
        const writer = (async () => {
          while (!stop) await Promise.all(Array.from({ length: 50 }, () => c.call("events.append", { session: s.id, kind: "note", data: {} })));
        })();
        for (let i = 0; i < 3; i++) assert.equal((await c.call("projection.verify", {})).ok, true, `verify ${i} saw drift under load`);
        stop = true;
        await writer;
      });
    } finally {
      await d.kill();
    }
  });

  it("no-daemon reads include files synced in while the daemon was down", async () => {
    const other = join(home.home, "ledger", "laptop");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(other, { recursive: true });
    const id = "01a20000-0000-7000-8000-000000000001";
    writeFileSync(
      join(other, `${id}.jsonl`),
      JSON.stringify({ v: 1, session: id, seq: 1, ts: "2026-01-01T00:00:00.000Z", kind: "open", data: { title: "from the laptop" } }) + "\n",
    );
    const r = await cli(["sessions", "get", id, "--json", "--no-daemon"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().title, "from the laptop");
    assert.equal(r.json().host, "laptop");
  });
});

describe("crash safety", () => {
  it("loses no acknowledged event when the daemon is SIGKILLed under heavy append", async () => {
    const d = await startTestDaemon(home);
    const session = await withClient(d, async (c) => (await c.call("sessions.open", { title: "crash" })).id);
    const child = spawn(process.execPath, [join(packageRoot(), "test", "fixtures", "append-forever.mjs"), join(packageRoot(), "dist"), d.socket, session], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    const exited = new Promise((r) => child.once("exit", r)); // listened for first: the appender may exit while the kill is awaited
    await pollUntil(() => out.split("\n").length >= 2000, { what: "2000 acknowledged appends" });
    await d.kill("SIGKILL");
    await exited;
    const acked = out.trim().split("\n").map(Number);

    const again = await startTestDaemon(home);
    try {
      const verify = await cli(["daemon", "verify", "--json"]);
      assert.equal(verify.code, 0, verify.stdout);
      const seqs = new Set<number>();
      await withClient(again, async (c) => {
        for (let after = 0; ; ) {
          const page = await c.call("events.read", { session, after, limit: 5000 });
          if (page.events.length === 0) break;
          for (const e of page.events) seqs.add(e.seq);
          after = page.events.at(-1)!.seq;
        }
      });
      const missing = acked.filter((s) => !seqs.has(s));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged events missing`);
      assert.equal(Math.max(...seqs), seqs.size, "no gaps");
    } finally {
      await again.kill();
    }
  });
});

describe("a damaged projection", () => {
  for (const [name, damage] of [
    ["truncated", (p: string) => truncateSync(p, 100)],
    ["overwritten with garbage", (p: string) => writeFileSync(p, Buffer.alloc(64 * 1024, 0x5a))],
  ] as const) {
    it(`${name}: doctor says degraded, rebuild restores it, verify is clean, sources untouched`, async () => {
      const before = sourcesDigest();
      damage(join(home.runRoot, "projection.sqlite"));
      for (const ext of ["-wal", "-shm"]) writeFileSync(join(home.runRoot, `projection.sqlite${ext}`), "");
      const doctor = await cli(["daemon", "doctor", "--json"]);
      const check = doctor.json().doctor.checks.find((c: any) => c.name === "projection_db");
      assert.equal(check.state, "degraded");
      assert.ok(doctor.json().repair_actions.some((a: any) => a.id === "daemon_rebuild_reset_storage" && a.risk === "runtime_only"));
      const d = await startTestDaemon(home); // starts anyway: degraded, never fatal
      try {
        const rebuilt = await cli(["daemon", "rebuild", "--surface", "all", "--json"]);
        assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
        assert.equal(rebuilt.json().swapped, true);
        assert.equal((await cli(["daemon", "verify"])).code, 0);
        assert.equal(sourcesDigest(), before, "sources byte-identical");
      } finally {
        await d.kill();
      }
    });
  }

  it("reset-storage replays offline and refuses while a daemon runs", async () => {
    const d = await startTestDaemon(home);
    const refused = await cli(["daemon", "rebuild", "--reset-storage", "--json"]);
    assert.equal(refused.json().error.kind, "conflict");
    await d.kill();
    const r = await cli(["daemon", "rebuild", "--reset-storage", "--json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().verify.ok, true);
  });
});

describe("backup and restore", () => {
  it("backs up while appending, restores the old backup live, and catches up to current", async () => {
    const d = await startTestDaemon(home);
    try {
      await withClient(d, async (c) => {
        const s = await c.call("sessions.open", { title: "backup" });
        const appending = Promise.all(Array.from({ length: 500 }, (_, i) => c.call("events.append", { session: s.id, kind: "note", data: { i } })));
        const backup = await c.call("projection.backup", {});
        await appending;
        assert.equal(backup.integrity, "ok");
        for (let i = 0; i < 100; i++) await c.call("events.append", { session: s.id, kind: "note", data: { after: i } });
        const listed = await cli(["daemon", "list-backups", "--json"]);
        assert.equal(listed.json().backups[0].file, backup.file);
        const refused = await cli(["daemon", "restore", backup.file, "--json"]);
        assert.equal(refused.json().error.kind, "conflict", "a live restore needs --live-recovery");
        const restored = await cli(["daemon", "restore", backup.file, "--live-recovery", "--json"]);
        assert.equal(restored.code, 0, restored.stdout + restored.stderr);
        assert.ok(restored.json().caughtUp.rows >= 100, "the watermarks replayed what came after the backup");
        assert.equal((await c.call("events.read", { session: s.id, after: 0, limit: 5000 })).lastSeq, 601);
        assert.equal((await c.call("projection.verify", {})).ok, true);
      });
    } finally {
      await d.kill();
    }
  });

  it("keeps serving when a live restore is refused", async () => {
    const d = await startTestDaemon(home);
    try {
      const foreign = join(home.home, "..", "foreign.sqlite");
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(foreign);
      db.exec("CREATE TABLE events (x); PRAGMA user_version = 1");
      db.close();
      const r = await cli(["daemon", "restore", foreign, "--live-recovery", "--json"]);
      assert.notEqual(r.code, 0);
      await withClient(d, async (c) => {
        const s = await c.call("sessions.open", { title: "still serving" });
        assert.equal((await c.call("events.read", { session: s.id, after: 0, limit: 10 })).lastSeq, 1);
      });
    } finally {
      await d.kill();
    }
  });

  it("refuses to restore a file that is not a sound projection", async () => {
    const bogus = join(home.home, "..", "bogus.sqlite");
    writeFileSync(bogus, "not a database");
    const r = await cli(["daemon", "restore", bogus, "--json"]);
    assert.equal(r.json().error.kind, "projection_corrupt");
  });
});
