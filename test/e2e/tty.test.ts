// The no-echo passphrase prompt on a real terminal: util-linux `script` gives the CLI a PTY, and
// the test types into it.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { runCli, wardenBin } from "../helpers/cli.js";
import { tempHome, type TempHome } from "../helpers/home.js";

const hasScript = spawnSync("sh", ["-c", "command -v script"]).status === 0;
const PASS = "tty-PASSPHRASE-42";
let home: TempHome;

/** Runs warden under `script` (so it has a controlling terminal) and types `keys` after a pause. */
function onTerminal(args: string[], keys: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const cmd = [process.execPath, wardenBin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { env: home.env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    let typed = false;
    child.stdout.on("data", () => {
      if (!typed && /passphrase[^:]*: $/.test(out)) {
        typed = true;
        child.stdin.write(keys);
      }
    });
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe("passphrase prompt on a terminal", { skip: !hasScript && "util-linux script not installed" }, () => {
  before(async () => {
    home = tempHome({ vault: { kdf: "interactive" } });
    assert.equal((await runCli(["vault", "init", "work", "--passphrase-stdin"], home.env, 30_000, `${PASS}\n`)).code, 0);
    assert.equal((await runCli(["vault", "add", "work", "TOKEN", "--passphrase-stdin"], home.env, 30_000, `${PASS}\ntty-token`)).code, 0);
  });
  after(() => home?.cleanup());

  it("reads the passphrase without echoing it", async () => {
    const r = await onTerminal(["vault", "list", "work"], `${PASS}\r`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /TOKEN/);
    assert.ok(!r.out.includes(PASS), "the passphrase was echoed");
  });

  it("serves a direct-mode get after the prompt", async () => {
    const r = await onTerminal(["get", "TOKEN", "--vault", "work", "--reason", "tty", "--no-daemon"], `${PASS}\r`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /tty-token/);
    assert.ok(!r.out.includes(PASS));
  });

  it("cancels on Ctrl-C at the prompt, changing nothing", async () => {
    const r = await onTerminal(["vault", "rm", "work", "TOKEN", "--json"], "\x03");
    assert.equal(r.code, 2, r.out);
    const { error } = JSON.parse(r.out.slice(r.out.indexOf("{")).replace(/\r/g, ""));
    assert.deepEqual([error.kind, error.reason], ["usage", "cancelled"]);
    const list = await runCli(["vault", "list", "work", "--passphrase-stdin", "--json"], home.env, 30_000, `${PASS}\n`);
    assert.deepEqual(
      list.json().entries.map((e: any) => e.name),
      ["TOKEN"],
    );
  });
});
