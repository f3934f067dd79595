// A projection damaged in the middle of the file (pages past the header overwritten, as a bad
// disk block or a torn copy leaves it): the daemon starts anyway, sets the file aside, rebuilds
// from the sources, and doctor never calls it healthy before the rebuild is done.
import assert from "node:assert/strict";
import { closeSync, copyFileSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

/** `length` bytes of garbage at `offset`. */
function damage(file: string, offset: number, length: number): void {
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
  closeSync(fd);
}

describe("a projection damaged mid-file", () => {
  const h = tempHome();
  const db = join(h.runRoot, "projection.sqlite");
  const sessions: string[] = [];
  let d: TestDaemon | undefined;
  before(async () => {
    const first = await startTestDaemon(h);
    const c = await RpcClient.connect(first.socket);
    try {
      for (let s = 0; s < 4; s++) {
        const { id } = await c.call("sessions.open", { title: `corruption ${s}` });
        sessions.push(id);
        const appends = [];
        for (let i = 0; i < 400; i++)
          appends.push(c.call("events.append", { session: id, kind: "note", data: { text: `note ${i} of the pelican${s} work `.padEnd(400, "x") } }));
        await Promise.all(appends);
      }
    } finally {
      c.close();
    }
    assert.equal(await first.kill("SIGTERM"), 0);
    for (const ext of ["-wal", "-shm"]) rmSync(db + ext, { force: true });
  });
  after(async () => {
    await d?.kill();
    h.cleanup();
  });

  it("starts, sets the file aside, rebuilds, and doctor says rebuilding until it is healthy", async () => {
    const size = statSync(db).size;
    assert.ok(size > 512 * 1024, `a projection with some data (${size} bytes)`);
    // A page past the header overwritten (the end of one, or all of it); the header (first page)
    // is intact, so the file opens. Of the pages from the middle on (then the first half), the
    // first whose damage quick_check reports as rows rather than by throwing: the case that used
    // to keep the daemon down. The file's layout differs from run to run (ids, times), so the
    // page is found by probing copies.
    const copy = join(h.runRoot, "probe.sqlite");
    const pages = Math.floor(size / 4096);
    const mid = Math.floor(pages / 2);
    const order = [...Array.from({ length: pages - mid }, (_, i) => mid + i), ...Array.from({ length: mid - 1 }, (_, i) => 1 + i)];
    const cuts = [
      { skip: 3072, length: 1024 },
      { skip: 0, length: 4096 },
    ];
    let at: { offset: number; length: number } | null = null;
    for (const page of order) {
      for (const cut of cuts) {
        copyFileSync(db, copy);
        damage(copy, page * 4096 + cut.skip, cut.length);
        const probe = new Database(copy, { readonly: true });
        try {
          const rows = probe.pragma("quick_check") as Array<{ quick_check: string }>;
          if (rows.length > 0 && rows[0]!.quick_check !== "ok") at = { offset: page * 4096 + cut.skip, length: cut.length };
        } catch {
          // thrown at once: the damage the daemon already set aside
        } finally {
          probe.close();
        }
        if (at) break;
      }
      if (at) break;
    }
    rmSync(copy);
    assert.ok(at, "a page whose damage quick_check reports as rows");
    damage(db, at.offset, at.length);

    d = await startTestDaemon(h); // starts: degraded, never fatal
    assert.equal(d.events("projection_corrupt").length, 1);
    assert.equal(readdirSync(h.runRoot).filter((f) => f.startsWith("projection.sqlite.corrupt-")).length, 1, "set aside for inspection");

    // Until the rebuild is done, doctor says rebuilding (or degraded), never healthy.
    const c = await RpcClient.connect(d.socket);
    try {
      const states = new Set<string>();
      let last = "";
      await pollUntil(
        async () => {
          const projection = (await c.call("status", {})).projection!.state;
          const doctor = await runCli(["daemon", "doctor", "--json"], h.env);
          const after = (await c.call("status", {})).projection!.state;
          const state = doctor.json().doctor.state as string;
          states.add(state);
          const check = doctor.json().doctor.checks.find((x: any) => x.name === "projection_db");
          if (projection !== "ok" && after !== "ok") {
            assert.notEqual(state, "healthy", "not healthy while the projection is being rebuilt");
            assert.notEqual(check.state, "ok");
          }
          if (projection === "rebuilding" && after === "rebuilding") {
            assert.equal(state, "rebuilding");
            assert.equal(check.state, "rebuilding");
          }
          last = `${state}: ${JSON.stringify(
            doctor
              .json()
              .doctor.checks.filter((x: any) => x.state !== "ok")
              .map((x: any) => [x.name, x.state]),
          )}`;
          return state === "healthy";
        },
        // A rebuild under the whole suite's load on 2 cores: a minute, not the default 20 s.
        { what: "the rebuild and a healthy doctor", timeoutMs: 60_000, detail: () => `the last doctor said ${last}` },
      );
      for (const [i, id] of sessions.entries()) {
        assert.equal((await c.call("sessions.get", { session: id })).lastSeq, 401);
        assert.equal((await c.call("search.query", { q: `pelican${i}`, limit: 500 })).results.length, 400);
      }
      assert.equal((await c.call("projection.verify", {})).ok, true);
    } finally {
      c.close();
    }
  });
});
