// Security posture of the foundation: private modes, refusals of unsafe paths (naming the path),
// config errors that name the field, and peer-credential rejection of another uid.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { startTestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";

let home: TempHome;
afterEach(() => home?.cleanup());

const mode = (p: string) => statSync(p).mode & 0o777;
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Why the daemon refused to start: its error's kind and details (path, owner, issues ...). */
type Refusal = { kind?: string; path?: string; found?: string; owner?: number; mode?: string; issues?: Array<{ field: string }> };

async function refusal(h: TempHome): Promise<Refusal> {
  try {
    const d = await startTestDaemon(h);
    await d.kill();
  } catch (err) {
    return err as Refusal;
  }
  throw new Error("the daemon started, but should have refused");
}

describe("modes", () => {
  it("creates home and run root 0700, socket and runtime files 0600", async () => {
    home = tempHome();
    const d = await startTestDaemon(home);
    try {
      assert.equal(mode(home.home), 0o700);
      assert.equal(mode(join(home.home, "run")), 0o700);
      assert.equal(mode(home.runRoot), 0o700);
      assert.equal(mode(home.socket), 0o600);
      assert.ok(statSync(home.socket).isSocket());
      for (const f of ["daemon.lock", "daemon.json", "daemon.log"]) assert.equal(mode(join(home.runRoot, f)), 0o600, f);
    } finally {
      await d.kill();
    }
  });

  it("tightens a too-open run root to 0700", async () => {
    home = tempHome();
    mkdirSync(home.runRoot, { recursive: true, mode: 0o700 });
    chmodSync(home.home, 0o700);
    chmodSync(home.runRoot, 0o755);
    const d = await startTestDaemon(home);
    assert.equal(mode(home.runRoot), 0o700);
    await d.kill();
  });

  it("starts on a group-readable home but warns; refuses a world-writable one", async () => {
    home = tempHome();
    mkdirSync(home.home, { mode: 0o750 });
    chmodSync(home.home, 0o750);
    const d = await startTestDaemon(home);
    assert.equal(d.events("unsafe_mode").length, 1);
    await d.kill();
    chmodSync(home.home, 0o777);
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.path, home.home);
    assert.equal(err.mode, "0777");
  });
});

describe("unsafe paths", () => {
  it("refuses a symlinked WARDEN_HOME, naming it", async () => {
    home = tempHome();
    const real = join(dirname(home.home), "real");
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, home.home);
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.found, "symlink");
    assert.equal(err.path, home.home);
  });

  it("refuses a symlinked run root", async () => {
    home = tempHome();
    mkdirSync(join(home.home, "run"), { recursive: true, mode: 0o700 });
    const elsewhere = join(dirname(home.home), "elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, home.runRoot);
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.path, home.runRoot);
    assert.equal(err.found, "symlink");
  });

  it("refuses a home that is a file", async () => {
    home = tempHome();
    writeFileSync(home.home, "not a dir");
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
  });

  it("refuses a home owned by another uid", { skip: !isRoot && "needs root to chown" }, async () => {
    home = tempHome();
    mkdirSync(home.home, { mode: 0o700 });
    chownSync(home.home, NOBODY, NOBODY);
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.owner, NOBODY);
  });

  it("refuses when the socket path holds something that is not a socket", async () => {
    home = tempHome();
    mkdirSync(home.runRoot, { recursive: true, mode: 0o700 });
    writeFileSync(home.socket, "precious");
    const err = await refusal(home);
    assert.equal(err.kind, "unsafe_path");
    assert.equal(err.path, home.socket);
    assert.equal(readFileSync(home.socket, "utf8"), "precious", "the file is left alone");
  });

  for (const length of [104, 107, 140]) {
    it(`refuses a ${length}-byte socket path with socket_path_too_long (its temporary name is longer)`, async () => {
      home = tempHome();
      const suffix = "/run/testhost/warden.sock";
      const pad = length - Buffer.byteLength(home.home) - 1 - suffix.length;
      const longHome = join(home.home, "x".repeat(pad));
      assert.equal(Buffer.byteLength(join(longHome, suffix)), length);
      const err = await refusal({ ...home, env: { ...home.env, WARDEN_HOME: longHome } });
      assert.equal(err.kind, "socket_path_too_long");
    });
  }
});

describe("config", () => {
  const cases: Array<[string, string, string]> = [
    ["invalid JSON", "{ not json", "(root)"],
    ["an unknown key", JSON.stringify({ server: { maxLineBytez: 10 } }), "server.maxLineBytez"],
    ["a wrong type", JSON.stringify({ server: { maxConnections: "lots" } }), "server.maxConnections"],
    ["an out-of-range value", JSON.stringify({ server: { maxLineBytes: 1 } }), "server.maxLineBytes"],
  ];
  for (const [name, text, field] of cases) {
    it(`refuses to start on ${name}, naming the field`, async () => {
      home = tempHome({});
      writeFileSync(join(home.home, "config.json"), text);
      const err = await refusal(home);
      assert.equal(err.kind, "config_invalid");
      assert.equal(err.path, join(home.home, "config.json"));
      assert.equal(err.issues?.[0]?.field, field);
    });
  }
});

describe("peer credentials", () => {
  it("refuses a connection from another uid with peer_denied", { skip: !isRoot && "needs root to run a client as another uid" }, async () => {
    home = tempHome();
    const d = await startTestDaemon(home);
    try {
      // Simulate a misconfigured install where the modes let another user reach the socket: the
      // uid check must still refuse it.
      for (let p = home.runRoot; p !== "/" && p !== dirname(dirname(home.home)); p = dirname(p)) chmodSync(p, 0o711);
      chmodSync(home.socket, 0o666);
      const script = `const s=require("net").connect(process.argv[1]);s.setEncoding("utf8");let b="";s.on("data",d=>b+=d);s.on("close",()=>{process.stdout.write(b)});s.on("connect",()=>s.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\\n'));s.on("error",e=>{process.stdout.write("ERR "+e.code)})`;
      const out = await new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ["-e", script, d.socket], { uid: NOBODY, gid: NOBODY, stdio: ["ignore", "pipe", "inherit"] });
        let text = "";
        child.stdout.on("data", (c) => (text += c));
        child.on("close", () => resolve(text));
      });
      const reply = JSON.parse(out.split("\n")[0]!);
      assert.equal(reply.id, null);
      assert.equal(reply.error.code, -32001);
      assert.equal(reply.error.data.kind, "peer_denied");
      assert.equal(reply.error.data.uid, NOBODY);
      assert.equal(out.trim().split("\n").length, 1, "the ping was never answered");
      assert.equal(d.events("connection_refused")[0]?.reason, "peer_uid");
    } finally {
      await d.kill();
    }
  });
});
