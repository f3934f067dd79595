// `warden daemon prune-backups`: keeps the N newest and/or those younger than a duration, with or
// without a daemon (backups are files under run/<host>/backups/); --dry-run removes nothing.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const DAY = 86_400_000;
let h: TempHome;
const cli = (...args: string[]) => runCli(["daemon", "prune-backups", ...args], h.env);
const backups = () => join(h.runRoot, "backups");
const names = () => readdirSync(backups()).sort();

/** Backups made `ages` days ago (the name carries the time, like the daemon's; mtime too). */
function make(ages: number[]): string[] {
  mkdirSync(backups(), { recursive: true, mode: 0o700 });
  return ages.map((days) => {
    const at = new Date(Date.now() - days * DAY);
    const file = join(backups(), `projection-${at.toISOString().replace(/[:.]/g, "-")}.sqlite`);
    writeFileSync(file, Buffer.alloc(1024));
    utimesSync(file, at, at);
    return file;
  });
}

before(() => {
  h = tempHome({});
});
after(() => h.cleanup());

describe("daemon prune-backups", () => {
  it("asks for --keep or --older-than, and refuses bad values", async () => {
    for (const args of [[], ["--keep=-1"], ["--keep", "two"], ["--older-than", "garbage"], ["--older-than", "0"]]) {
      const r = await cli(...args, "--json");
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.json().error.kind, "usage");
    }
  });

  it("with no daemon: --dry-run lists, --keep and --older-than remove", async () => {
    const [a, b, c, d] = make([1, 3, 10, 20]);
    const dry = await cli("--keep", "1", "--dry-run", "--json");
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      dry.json().removed.map((x: any) => x.file),
      [b, c, d],
    );
    assert.equal(dry.json().dryRun, true);
    assert.equal(names().length, 4, "nothing removed");
    const old = await cli("--older-than", "7d", "--json");
    assert.deepEqual(
      old.json().removed.map((x: any) => x.file),
      [c, d],
    );
    assert.equal(old.json().freedBytes, 2048);
    assert.ok(existsSync(a!) && existsSync(b!) && !existsSync(c!) && !existsSync(d!));
    const both = await cli("--keep", "1", "--older-than", "2d", "--json");
    assert.deepEqual(
      both.json().removed.map((x: any) => x.file),
      [b],
    );
    assert.equal(names().length, 1);
    assert.deepEqual((await cli("--keep", "0", "--json")).json().kept, []);
    assert.equal(names().length, 0);
  });

  it("with a daemon running, on its own backups", async () => {
    const d = await startTestDaemon(h);
    const c = await RpcClient.connect(d.socket);
    try {
      const first = await c.call("projection.backup", {});
      const t0 = Date.now();
      await pollUntil(() => Date.now() > t0, { what: "the next millisecond (backup names are millisecond timestamps)", everyMs: 1 });
      const second = await c.call("projection.backup", {});
      const r = await cli("--keep", "1", "--json");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        r.json().removed.map((x: any) => x.file),
        [first.file],
      );
      assert.deepEqual(
        (await c.call("projection.listBackups", {})).backups.map((b) => b.file),
        [second.file],
      );
    } finally {
      c.close();
      await d.kill();
    }
  });
});
