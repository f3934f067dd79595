// `warden exec` with env files and warden:// references (issue 15), against a real daemon.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { wardenBin, type CliResult } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";

const PASS = "refs-PASSPHRASE-0123";
const SECRET = "sk-live-REFERENCED-0123456789";
let home: TempHome;
let d: TestDaemon;
/**
 * Runs bin/warden.js itself, as a user's shell does (through its `#!/usr/bin/env -S node --` line):
 * `node script --env-file F` would have Node read F itself before warden runs.
 */
function cli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const PATH = `${dirname(process.execPath)}:${home.env.PATH ?? ""}`;
    const child = spawn(wardenBin, args, {
      env: { ...home.env, PATH, ...env },
      detached: true,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}
const file = (name: string, text: string) => {
  const path = join(home.home, "..", name);
  writeFileSync(path, text);
  return path;
};
/** A command that would leave a marker file if it ever started. */
const marking = (marker: string) => ["--", "sh", "-c", `touch '${marker}'`];

before(async () => {
  home = tempHome({ vault: { kdf: "interactive" } });
  assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin"], {}, `${PASS}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "API_KEY", "--scope", "dev", "--passphrase-stdin"], {}, `${PASS}\n${SECRET}\n`)).code, 0);
  assert.equal((await cli(["vault", "add", "work", "PLAIN", "--passphrase-stdin"], {}, `${PASS}\nplain-value`)).code, 0);
  d = await startTestDaemon(home);
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], {}, `${PASS}\n`)).code, 0);
});
after(async () => {
  await d?.kill();
  home?.cleanup();
});

describe("warden exec with env files and references", () => {
  it("resolves references in env files into the child's environment, later files and --secret winning", async () => {
    const first = file(
      "first.env",
      [
        "# a comment",
        "export KEY=warden://work/API_KEY",
        'QUOTED="two words # not a comment" # a comment',
        "SINGLE='$(not run)'",
        "OVERRIDDEN=first",
        "BY_SECRET=literal",
        "",
      ].join("\n"),
    );
    const second = file("second.env", "OVERRIDDEN=warden://PLAIN\n");
    const r = await cli([
      "exec",
      "--env-file",
      first,
      "--env-file",
      second,
      "--secret",
      "BY_SECRET=work/PLAIN",
      "--scope",
      "dev",
      "--reason",
      "refs test",
      "--",
      "sh",
      "-c",
      'printf "%s|%s|%s|%s|%s" "$KEY" "$QUOTED" "$SINGLE" "$OVERRIDDEN" "$BY_SECRET"',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${SECRET}|two words # not a comment|$(not run)|plain-value|plain-value`);
    const reads = (await cli(["audit", "list", "--json"])).json().records.filter((x: any) => x.action === "get");
    assert.ok(reads.length >= 1 && reads.every((x: any) => x.outcome === "ok" && x.reason === "refs test"), "every read audited with the reason");
    assert.ok(reads.some((x: any) => x.name === "API_KEY" && x.vault === "work"));
  });

  it("resolves a reference in the inherited environment (default vault)", async () => {
    const r = await cli(["exec", "--reason", "inherited", "--", "sh", "-c", 'printf "%s" "$TOKEN"'], { TOKEN: "warden://PLAIN" });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "plain-value");
  });

  it("fails before the child starts on a missing reference, naming the variable", async () => {
    const marker = join(home.home, "..", "started-missing");
    const env = file("missing.env", "GOOD=warden://work/PLAIN\nMISSING=warden://work/NOPE\n");
    const r = await cli(["exec", "--env-file", env, "--reason", "t", "--json", ...marking(marker)]);
    assert.equal(r.code, 1);
    assert.equal(r.json().error.kind, "not_found");
    assert.equal(r.json().error.variable, "MISSING");
    assert.equal(existsSync(marker), false, "the child never started");
    const human = await cli(["exec", "--env-file", env, "--reason", "t", ...marking(marker)]);
    assert.equal(human.code, 1);
    assert.match(human.stderr, /MISSING/);
    assert.ok(!human.stderr.includes("plain-value") && !human.stdout.includes("plain-value"), "no value printed");
    assert.equal(existsSync(marker), false);
  });

  it("names the variable of a reference refused by scope", async () => {
    const marker = join(home.home, "..", "started-denied");
    const r = await cli(["exec", "--reason", "t", "--json", ...marking(marker)], { K: "warden://work/API_KEY" });
    assert.equal(r.json().error.kind, "scope_denied");
    assert.equal(r.json().error.variable, "K");
    assert.ok(!r.stdout.includes(SECRET));
    assert.equal(existsSync(marker), false);
  });

  it("answers a malformed reference with a usage error (exit 2) before reading anything", async () => {
    const marker = join(home.home, "..", "started-malformed");
    const r = await cli(["exec", "--reason", "t", "--json", ...marking(marker)], { BROKEN: "warden://work/" });
    assert.equal(r.code, 2);
    assert.equal(r.json().error.kind, "usage");
    assert.equal(r.json().error.variable, "BROKEN");
    assert.equal(r.json().error.reason, "empty_name");
    assert.equal(existsSync(marker), false);
  });

  it("requires --reason when a reference is read, and names a missing env file", async () => {
    const noReason = await cli(["exec", "--json", "--", "true"], { T: "warden://PLAIN" });
    assert.equal(noReason.code, 2);
    assert.equal(noReason.json().error.option, "--reason");
    const missing = join(home.home, "..", "no-such.env");
    const r = await cli(["exec", "--env-file", missing, "--reason", "t", "--json", "--", "true"]);
    assert.equal(r.json().error.kind, "not_found");
    assert.equal(r.json().error.file, missing);
    const big = file("big.env", `A=${"x".repeat(1024 * 1024)}\n`);
    const tooBig = await cli(["exec", "--env-file", big, "--reason", "t", "--json", "--", "true"]);
    assert.equal(tooBig.code, 2);
    assert.equal(tooBig.json().error.reason, "too_large");
    const plain = await cli(["exec", "--env-file", file("plain.env", "P=1\n"), "--", "sh", "-c", 'printf "%s" "$P"']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, "1", "nothing read: no --reason needed");
  });
});
