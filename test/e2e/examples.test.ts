// The example clients in examples/ run against a real daemon, so they cannot rot.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { packageRoot } from "../../src/package-info.js";
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
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines[0].result.apiVersion, "warden.v1");
    assert.deepEqual(lines[1].result, { pong: true });
    assert.equal(lines[2].length, 2);
  });
});
