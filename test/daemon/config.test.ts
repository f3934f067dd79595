import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { loadConfig } from "../../src/platform/config.js";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-cfg-"));
  path = join(dir, "config.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("loadConfig", () => {
  it("gives defaults when the file is absent", () => {
    const c = loadConfig(path);
    assert.equal(c.server.maxLineBytes, 1024 * 1024);
    assert.equal(c.server.maxConnections, 256);
    assert.equal(c.log.level, "info");
  });

  it("merges a partial file over the defaults", () => {
    writeFileSync(path, JSON.stringify({ server: { maxConnections: 8 } }));
    const c = loadConfig(path);
    assert.equal(c.server.maxConnections, 8);
    assert.equal(c.server.maxLineBytes, 1024 * 1024);
  });

  const bad: Array<[string, string, string]> = [
    ["invalid JSON", "{", "(root)"],
    ["an unknown top-level key", JSON.stringify({ sever: {} }), "sever"],
    ["an unknown nested key", JSON.stringify({ server: { maxConn: 1 } }), "server.maxConn"],
    ["a wrong type", JSON.stringify({ log: { level: "loud" } }), "log.level"],
    ["a value below its minimum", JSON.stringify({ server: { maxConnections: 0 } }), "server.maxConnections"],
    [
      "a high-water mark above the buffer limit",
      JSON.stringify({ server: { clientHighWaterBytes: 1 << 21, maxClientBufferBytes: 1 << 20 } }),
      "server.clientHighWaterBytes",
    ],
  ];
  for (const [name, text, field] of bad) {
    it(`rejects ${name} with config_invalid naming ${field}`, () => {
      writeFileSync(path, text);
      assert.throws(
        () => loadConfig(path),
        (e: any) => e.kind === "config_invalid" && e.details.path === path && e.details.issues[0].field === field,
      );
    });
  }
});

describe("config paths", () => {
  it("expands ~/ to the user's home (not WARDEN_HOME) in project roots, transcript roots and a harness's command", () => {
    writeFileSync(
      path,
      JSON.stringify({
        sessions: { projects: ["~/src", "/srv/app", "~"], harnesses: { mine: { argv: ["~/bin/agent", "~/not-a-command-position"] } } },
        sync: { claudeCode: { root: "~/claude/projects" }, codex: { root: "/data/codex" } },
      }),
    );
    const c = loadConfig(path);
    const home = process.env.HOME || homedir();
    assert.deepEqual(c.sessions.projects, [join(home, "src"), "/srv/app", home]);
    assert.deepEqual(c.sessions.harnesses.mine!.argv, [join(home, "bin/agent"), "~/not-a-command-position"]);
    assert.equal(c.sync.claudeCode.root, join(home, "claude/projects"));
    assert.equal(c.sync.codex.root, "/data/codex");
  });

  it("rejects a relative path with config_invalid naming it", () => {
    writeFileSync(path, JSON.stringify({ sessions: { projects: ["src/app"] } }));
    assert.throws(
      () => loadConfig(path),
      (e: any) => e.kind === "config_invalid" && e.details.issues[0].field === "sessions.projects.0",
    );
  });
});
