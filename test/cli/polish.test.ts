// The command line's rough edges a new user hits first, against a real daemon: group help, quiet
// broken pipes, readable durations and tables, the locked-vault and missing-harness errors, and
// weak passphrases.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { hasScript, runCli, runOnTerminal, wardenBin } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";

const PASS = "polish-PASSPHRASE-42";
/** What formatDuration prints: "850ms", "4.2s", "14m 57s", "8h", "2d 3h". */
const DURATION = /^\d+(?:\.\d)?(?:ms|s|m|h|d)(?: \d+(?:s|m|h))?$/;
const GROUPS: Record<string, string[]> = {
  vault: ["init", "unlock", "status"],
  sessions: ["list", "get", "kill"],
  daemon: ["start", "stop", "status"],
  sync: ["status", "run"],
  audit: ["list", "verify"],
  tasks: ["output"],
};

let home: TempHome;
let daemon: TestDaemon;
let project: string;
/** The daemon runs with a PATH the client does not have. */
const daemonPath = `${process.env.PATH}:/nonexistent/daemon-only-bin`;

before(async () => {
  project = realpathSync(mkdtempSync(join(tmpdir(), "wp-")));
  home = tempHome({ vault: { kdf: "interactive" }, sessions: { projects: [project], harnesses: { missing: { argv: ["warden-no-such-program"] } } } });
  daemon = await startTestDaemon(home, { PATH: daemonPath });
});
after(async () => {
  await daemon?.kill();
  home?.cleanup();
  rmSync(project, { recursive: true, force: true });
});

const cli = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}) => runCli(args, { ...home.env, ...env }, 30_000, input);

/** Runs warden with its stdout (or stderr) a pipe whose reader has already gone (`| head` that has exited). */
function intoClosedPipe(args: string[], closed: "stdout" | "stderr" = "stdout"): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [wardenBin, ...args], { env: home.env, stdio: ["ignore", "pipe", "pipe"] });
    child[closed].destroy();
    let stderr = "";
    if (closed === "stdout") child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("command groups", () => {
  for (const [group, commands] of Object.entries(GROUPS)) {
    it(`warden ${group} --help lists the group's commands; bare, it is a usage error with the list`, async () => {
      for (const flag of ["--help", "-h"]) {
        const r = await cli([group, flag]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, "");
        for (const c of commands)
          assert.ok(
            r.stdout.split("\n").some((l) => l.startsWith(`warden ${group} ${c} `)),
            `${group} ${c}`,
          );
      }
      const bare = await cli([group]);
      assert.equal(bare.code, 2);
      assert.equal(bare.stdout, "");
      for (const c of commands)
        assert.ok(
          bare.stderr.split("\n").some((l) => l.startsWith(`warden ${group} ${c} `)),
          `${group} ${c}`,
        );
    });
  }

  it("an unknown command in a group is still a usage error", async () => {
    const r = await cli(["vault", "frobnicate"]);
    assert.equal(r.code, 2);
  });
});

describe("a closed pipe on stdout", () => {
  it("ends each command quietly with the SIGPIPE status, never a stack trace", async () => {
    const task = (await cli(["run", "--wait", "--json", "--cwd", project, "--", "sh", "-c", "echo hello"])).json().session;
    const file = join(project, "token.txt");
    writeFileSync(file, "nothing here\n");
    for (const args of [["sessions", "list"], ["events", task], ["search", "x"], ["audit", "list"], ["mask", "--check", file], ["vault", "--help"], ["ping"]]) {
      const r = await intoClosedPipe(args);
      assert.equal(r.stderr, "", args.join(" "));
      assert.equal(r.code, 141, args.join(" "));
    }
    assert.equal((await intoClosedPipe(["vault"], "stderr")).code, 141, "stderr too (a bare group prints its list there)");
  });

  it("leaves a foreground daemon running when its stderr reader goes away", async () => {
    const other = tempHome();
    try {
      const d = await startTestDaemon(other);
      d.child.stderr!.destroy();
      assert.equal((await runCli(["health", "--json"], other.env)).code, 0);
      // Stopping logs (echoed to the closed stderr): the daemon still stops cleanly.
      assert.equal(await d.kill("SIGTERM"), 0);
    } finally {
      other.cleanup();
    }
  });
});

describe("human output", () => {
  it("sessions list has a header row and aligned columns", async () => {
    const ids: string[] = [];
    for (const title of ["a", "a longer title"])
      ids.push((await cli(["run", "--wait", "--json", "--cwd", project, "--title", title, "--", "true"])).json().session);
    const r = await cli(["sessions", "list"]);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split("\n");
    assert.match(header!, /^ID +STATE +LIVE +KIND +HOST +UPDATED +TITLE$/);
    const listed = (await cli(["sessions", "list", "--json"])).json().sessions;
    assert.equal(rows.length, listed.length);
    const col = (name: string) => header!.indexOf(name);
    rows.forEach((row, i) => {
      const s = listed[i];
      assert.ok(row.startsWith(s.id), row);
      assert.ok(row.slice(col("STATE")).startsWith(s.state), row);
      assert.ok(row.slice(col("HOST")).startsWith(s.host), row);
      assert.match(row.slice(col("UPDATED")).split("  ")[0]!, /^\d+(?:\.\d)?(?:ms|s|m|h|d)(?: \d+(?:s|m|h))? ago$/);
      assert.equal(row, row.trimEnd(), "no trailing blanks");
    });
    for (const id of ids) assert.ok(rows.some((r) => r.startsWith(id)));
  });

  it("vault status and daemon status print durations a person reads; --json keeps the numbers", async () => {
    assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin", "--idle", "15m", "--max", "8h"], `${PASS}\n`)).code, 0);
    const v = await cli(["vault", "status"]);
    assert.equal(v.code, 0, v.stderr);
    const [header, row] = v.stdout.trimEnd().split("\n");
    assert.match(header!, /^VAULT +UNLOCKED +IDLE LOCK IN +HARD LOCK IN$/);
    const cell = (name: string, next?: string) => row!.slice(header!.indexOf(name), next ? header!.indexOf(next) : undefined).trim();
    assert.match(cell("IDLE LOCK IN", "HARD LOCK IN"), DURATION);
    assert.match(cell("HARD LOCK IN"), DURATION);
    const j = (await cli(["vault", "status", "--json"])).json().vaults[0];
    assert.equal(typeof j.idleSecsRemaining, "number");

    const d = await cli(["daemon", "status"]);
    const up = /, up ([^,]+), /.exec(d.stdout);
    assert.ok(up, d.stdout);
    assert.match(up[1]!, DURATION);
    assert.equal(typeof (await cli(["daemon", "status", "--json"])).json().uptimeSecs, "number");
    assert.equal((await cli(["vault", "lock", "--all"])).code, 0);
  });
});

describe("sizes", () => {
  it("daemon backup and list-backups print sizes in binary units, under a header; --json keeps bytes", async () => {
    const SIZE = /^\d+(?:\.\d)? (?:B|KiB|MiB|GiB)$/;
    const b = await cli(["daemon", "backup"]);
    assert.equal(b.code, 0, b.stderr);
    const size = /\(([^,]+), integrity ok, ([^)]+)\)/.exec(b.stdout);
    assert.ok(size, b.stdout);
    assert.match(size[1]!, SIZE);
    assert.match(size[2]!, DURATION);
    const l = await cli(["daemon", "list-backups"]);
    const [header, row] = l.stdout.trimEnd().split("\n");
    assert.match(header!, /^CREATED +SIZE +FILE$/);
    const fileAt = header!.indexOf("FILE");
    assert.match(row!.slice(0, fileAt).trim().split(/ {2,}/).at(-1)!, SIZE);
    assert.equal(row!.slice(fileAt), (await cli(["daemon", "list-backups", "--json"])).json().backups[0].file, "FILE column aligned");
    assert.equal(typeof (await cli(["daemon", "list-backups", "--json"])).json().backups[0].bytes, "number");
  });
});

describe("warden get", () => {
  it("ends the value with a newline on a terminal, never in a pipe", async () => {
    if (!existsSync(join(home.home, "vaults", "work.vault"))) assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await cli(["vault", "add", "work", "NEWLINE_TEST", "--passphrase-stdin"], `${PASS}\nv4lue-no-newline`)).code, 0);
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    // The fast path, and clipanion's (which takes `--` before the name; the fast path does not).
    for (const args of [
      ["get", "NEWLINE_TEST", "--reason", "tty"],
      ["get", "--reason", "tty", "--", "NEWLINE_TEST"],
    ]) {
      const piped = await cli(args);
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stdout, "v4lue-no-newline", "byte-exact in a pipe");
      if (!hasScript) continue; // util-linux script makes the terminal
      const term = await runOnTerminal(args, home.env);
      assert.equal(term.code, 0, term.out);
      assert.equal(term.out, "v4lue-no-newline\r\n", "a newline on a terminal");
    }
    assert.equal((await cli(["vault", "lock", "--all"])).code, 0);
  });
});

describe("errors that say what to do", () => {
  it("get with the only vault locked names it (vault_locked, data.vault)", async () => {
    if (!existsSync(join(home.home, "vaults", "work.vault"))) assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await cli(["vault", "lock", "--all"])).code, 0);
    const r = await cli(["get", "ANY", "--reason", "polish test", "--json"]);
    assert.equal(r.code, 1);
    assert.equal(r.json().error.kind, "vault_locked");
    assert.equal(r.json().error.vault, "work");
    const text = await cli(["get", "ANY", "--reason", "polish test"]);
    assert.equal(text.code, 1);
    assert.ok(text.stderr.includes("warden vault unlock work"), "says how to unlock it");
  });

  it("a harness that is not configured, or whose program is not on PATH, names the daemon's PATH", async () => {
    const clientPath = "/nonexistent/client-only-bin";
    const unknown = await cli(["launch", "nosuch", "--cwd", project, "--json"], undefined, { PATH: clientPath });
    assert.equal(unknown.code, 1);
    assert.equal(unknown.json().error.kind, "not_found");
    assert.equal(unknown.json().error.path, daemonPath);
    const missing = await cli(["launch", "missing", "--cwd", project, "--json"], undefined, { PATH: clientPath });
    assert.equal(missing.code, 1);
    assert.equal(missing.json().error.kind, "not_found");
    assert.equal(missing.json().error.path, daemonPath);
    const text = await cli(["launch", "missing", "--cwd", project], undefined, { PATH: clientPath });
    assert.ok(text.stderr.includes("/nonexistent/daemon-only-bin"), "the message names the daemon's PATH");
  });

  it("vault init refuses a passphrase under 12 characters unless --allow-weak", async () => {
    const weak = await cli(["vault", "init", "weak", "--passphrase-stdin", "--json"], "short-pw\n");
    assert.equal(weak.code, 1);
    assert.equal(weak.json().error.kind, "weak_passphrase");
    assert.equal(weak.json().error.minLength, 12);
    assert.ok(!existsSync(join(home.home, "vaults", "weak.vault")), "nothing was created");
    assert.ok(!weak.stdout.includes("short-pw"), "the passphrase is not echoed");

    const allowed = await cli(["vault", "init", "weak", "--passphrase-stdin", "--allow-weak", "--json"], "short-pw\n");
    assert.equal(allowed.code, 0, allowed.stdout);
    assert.notEqual(allowed.stderr, "", "a warning on stderr");
    assert.ok(existsSync(join(home.home, "vaults", "weak.vault")));

    const twelve = await cli(["vault", "init", "twelve", "--passphrase-stdin"], "123456789012\n");
    assert.equal(twelve.code, 0, twelve.stderr);
    assert.equal(twelve.stderr, "");
  });

  it("vault init refuses a short passphrase typed at the prompt too", { skip: !hasScript && "util-linux script not installed" }, async () => {
    const cmd = [process.execPath, wardenBin, "vault", "init", "typed", "--json"].map((a) => `'${a}'`).join(" ");
    const child = spawn("script", ["-qec", cmd, "/dev/null"], { env: home.env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let prompts = 0;
    child.stdout.on("data", (d) => {
      out += d;
      const seen = (out.match(/passphrase[^:\n]*: /g) ?? []).length;
      for (; prompts < seen; prompts++) child.stdin.write("pw-short\r"); // each of the two prompts
    });
    const code = await new Promise<number | null>((r) => child.on("close", r));
    assert.equal(prompts, 2, out);
    assert.equal(code, 1, out);
    assert.match(out, /"kind": "weak_passphrase"/);
    assert.ok(!out.includes("pw-short"), "never echoed");
    assert.ok(!existsSync(join(home.home, "vaults", "typed.vault")), "nothing was created");
  });
});
