// The example clients in examples/ run against a real daemon, so they cannot rot.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { packageRoot } from "../../src/platform/package-info.js";
import { wardenBin } from "../helpers/cli.js";
import { useDaemon } from "../helpers/daemon.js";

const examples = join(packageRoot(), "examples");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

describe("examples", () => {
  const ctx = useDaemon();

  it("python (stdlib only): handshake, ping, batch, typed error", { skip: !has("python3") && "python3 not installed" }, () => {
    // No WARDEN_SOCKET: the example must compute the socket path exactly as the daemon does.
    const r = spawnSync("python3", [join(examples, "python", "warden_client.py")], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.health.apiVersion, "warden.v1");
    assert.deepEqual(out.ping, { pong: true });
    assert.deepEqual(out.batch[0].result, { pong: true });
    assert.equal(out.batch[1].result.state, "running");
    assert.equal(out.batch[2].error.data.kind, "method_not_found");
    assert.deepEqual(out.invalid_params, { code: -32602, kind: "invalid_params" });
  });

  it("node (no dependencies)", () => {
    const r = spawnSync(process.execPath, [join(examples, "node", "client.mjs")], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /warden\.v1/);
    assert.match(r.stdout, /all pong/);
    assert.match(r.stdout, /code -32602, kind invalid_params/);
  });

  it("shell (socat or nc -U)", { skip: !has("socat") && !has("nc") && "neither socat nor nc installed" }, () => {
    const r = spawnSync("sh", [join(examples, "shell", "warden-rpc.sh")], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines[0].result.apiVersion, "warden.v1");
    assert.deepEqual(lines[1].result, { pong: true });
    assert.equal(lines[2].length, 2);
  });
});

describe("examples that read a secret", () => {
  const ctx = useDaemon({ vault: { kdf: "interactive" } });
  const value = 'sk-example "quoted" \\ value';
  const input = (s: string) => ({ env: ctx.home.env, encoding: "utf8" as const, input: s });

  it("set up: a vault with one scoped secret, unlocked in the daemon", () => {
    const w = (args: string[], stdin: string) => spawnSync(process.execPath, [wardenBin, ...args], input(stdin));
    assert.equal(w(["vault", "init", "work", "--passphrase-stdin", "--allow-weak"], "pw\n").status, 0);
    assert.equal(w(["vault", "add", "work", "API_KEY", "--scope", "dev", "--passphrase-stdin"], `pw\n${value}`).status, 0);
    assert.equal(w(["vault", "unlock", "work", "--passphrase-stdin"], "pw\n").status, 0);
  });

  it("python: get_secret.py prints the value, and the error kind when denied", { skip: !has("python3") && "python3 not installed" }, () => {
    const script = join(examples, "python", "get_secret.py");
    const ok = spawnSync("python3", [script, "API_KEY", "--reason", "example", "--vault", "work", "--scope", "dev"], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, value);
    const denied = spawnSync("python3", [script, "API_KEY", "--reason", "example", "--vault", "work"], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(denied.status, 1);
    assert.equal(JSON.parse(denied.stderr).error.kind, "scope_denied");
  });

  it("shell: get-secret.sh prints the value over socat", { skip: !has("socat") && "socat not installed" }, () => {
    const script = join(examples, "shell", "get-secret.sh");
    const ok = spawnSync("sh", [script, "API_KEY", "example", "work", "dev"], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, value);
    const missing = spawnSync("sh", [script, "NOPE", "example", "work"], { env: ctx.home.env, encoding: "utf8" });
    assert.equal(missing.status, 1);
    assert.equal(JSON.parse(missing.stderr).error.data.kind, "not_found");
  });
});
