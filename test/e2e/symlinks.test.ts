// Symlinks inside the home are never followed for a write: a symlinked run/ is refused at start
// like the home, and a symlink planted at a file the daemon writes (daemon.log, the audit log, a
// ledger file) makes that write fail with `unsafe_path` naming the path; the link's target is
// left exactly as it was.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { RpcClient } from "../../src/rpc/client.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { watch } from "../helpers/sessions.js";

let home: TempHome;
let project: string;
before(() => (project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")))));
after(() => rmSync(project, { recursive: true, force: true }));
afterEach(() => home?.cleanup());

/** Why the daemon refused to start: its error's kind and details. */
type Refusal = { kind?: string; path?: string };

async function refusal(h: TempHome): Promise<Refusal> {
  try {
    const d = await startTestDaemon(h);
    await d.kill();
  } catch (err) {
    return err as Refusal;
  }
  throw new Error("the daemon started, but should have refused");
}

/** A file outside the home holding "precious", and its path. */
function outsideFile(h: TempHome): string {
  const target = join(dirname(h.home), "outside.txt");
  writeFileSync(target, "precious\n");
  return target;
}

describe("symlinks inside the home", () => {
  it("refuses a symlinked run/, naming it, and writes nothing where it points", async () => {
    home = tempHome({ sessions: { projects: [project] } });
    const elsewhere = join(dirname(home.home), "elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(home.home, "run"));
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.path, join(home.home, "run"));
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  it("refuses to start on a symlinked daemon.log, naming it; the target is untouched", async () => {
    home = tempHome({ sessions: { projects: [project] } });
    mkdirSync(home.runRoot, { recursive: true, mode: 0o700 });
    const target = outsideFile(home);
    const log = join(home.runRoot, "daemon.log");
    symlinkSync(target, log);
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.path, log);
    assert.equal(readFileSync(target, "utf8"), "precious\n");
  });

  it("refuses to start on a symlinked audit/<host>.jsonl, naming it; the target is untouched", async () => {
    home = tempHome({ sessions: { projects: [project] } });
    mkdirSync(join(home.home, "audit"), { mode: 0o700 });
    const target = outsideFile(home);
    const audit = join(home.home, "audit", "testhost.jsonl");
    symlinkSync(target, audit);
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.path, audit);
    assert.equal(readFileSync(target, "utf8"), "precious\n");
  });

  it("refuses to start on a symlinked projection (or its -wal), naming it; the target is untouched", async () => {
    for (const name of ["projection.sqlite", "projection.sqlite-wal"]) {
      home = tempHome({ sessions: { projects: [project] } });
      mkdirSync(home.runRoot, { recursive: true, mode: 0o700 });
      const target = outsideFile(home);
      const link = join(home.runRoot, name);
      symlinkSync(target, link);
      const err = await refusal(home);
      assert.equal(err.kind, "unsafe_path", name);
      assert.equal(err.path, link, name);
      assert.equal(readFileSync(target, "utf8"), "precious\n");
      home.cleanup();
    }
  });

  it("fails an append to a symlinked ledger file with unsafe_path; the target is untouched", async () => {
    home = tempHome({ sessions: { projects: [project] } });
    let d = await startTestDaemon(home);
    let c = await RpcClient.connect(d.socket);
    const s = await c.call("sessions.launch", { argv: ["true"], cwd: project, mode: "task" });
    await (await watch(c, s.id)).exit();
    c.close();
    await d.kill();

    // The session's ledger file replaced by a link to a copy outside the home.
    const file = join(home.home, "ledger", "testhost", `${s.id}.jsonl`);
    const target = join(dirname(home.home), "ledger-copy.jsonl");
    copyFileSync(file, target);
    const before = readFileSync(target, "utf8");
    unlinkSync(file);
    symlinkSync(target, file);

    d = await startTestDaemon(home);
    c = await RpcClient.connect(d.socket);
    try {
      await assert.rejects(c.call("sessions.archive", { session: s.id }), (e: any) => e.kind === "unsafe_path" && e.data?.path === file);
      assert.equal(readFileSync(target, "utf8"), before);
    } finally {
      c.close();
      await d.kill();
    }
  });
});
