import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientSocketPath, resolvePaths, sanitizeHost } from "../../src/platform/paths.js";

describe("sanitizeHost", () => {
  const cases: Array<[string, string]> = [
    ["MyLaptop.local", "mylaptop.local"],
    ["host name/with:odd*chars", "host-name-with-odd-chars"],
    ["..", "localhost"],
    ["", "localhost"],
    [".hidden", "hidden"],
    ["x".repeat(100), "x".repeat(63)],
    ["trailing-.", "trailing"],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} → ${want}`, () => assert.equal(sanitizeHost(input), want));
});

describe("resolvePaths", () => {
  it("derives everything from WARDEN_HOME and WARDEN_HOST", () => {
    const p = resolvePaths({ WARDEN_HOME: "/tmp/wh", WARDEN_HOST: "Box 1" });
    assert.equal(p.home, "/tmp/wh");
    assert.equal(p.host, "box-1");
    assert.equal(p.runRoot, "/tmp/wh/run/box-1");
    assert.equal(p.socket, "/tmp/wh/run/box-1/warden.sock");
    assert.equal(p.lock, "/tmp/wh/run/box-1/daemon.lock");
    assert.equal(p.config, "/tmp/wh/config.json");
  });

  it("defaults to ~/.warden", () => {
    assert.match(resolvePaths({}).home, /\/\.warden$/);
  });

  it("lets WARDEN_SOCKET override the client's socket", () => {
    assert.equal(clientSocketPath({ WARDEN_HOME: "/tmp/wh", WARDEN_HOST: "a", WARDEN_SOCKET: "/run/x.sock" }), "/run/x.sock");
    assert.equal(clientSocketPath({ WARDEN_HOME: "/tmp/wh", WARDEN_HOST: "a" }), "/tmp/wh/run/a/warden.sock");
  });
});
