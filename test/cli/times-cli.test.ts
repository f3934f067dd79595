// Times and filters on the command line: one strict parser for every --since (an ISO time or a
// duration back from now), and a value that cannot mean anything (a bad time, a session that is
// not there, a state no session has) is a usage error, exit 2, with or without a daemon.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseSince } from "../../src/cli/times.js";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

describe("parseSince", () => {
  it("takes a duration back from now", (t) => {
    t.mock.timers.enable({ apis: ["Date"], now: Date.parse("2026-11-20T12:00:00.000Z") });
    assert.equal(parseSince("1h", "--since"), "2026-11-20T11:00:00.000Z");
  });
  const iso: Array<[string, string]> = [
    ["2026-11-01", "2026-11-01T00:00:00.000Z"],
    ["2026-11-01T10:30:00Z", "2026-11-01T10:30:00.000Z"],
    ["2026-11-01T10:30:00.250+02:00", "2026-11-01T08:30:00.250Z"],
  ];
  for (const [text, want] of iso) it(`${text} → ${want}`, () => assert.equal(parseSince(text, "--since"), want));
  it("takes a date-time without an offset as local time", () =>
    assert.equal(parseSince("2026-11-01T10:30:00", "--since"), new Date(2026, 10, 1, 10, 30).toISOString()));
  for (const text of ["", "garbage", "yesterday", "1 h", "-1h", "2026-13-01", "2026-11-01garbage", "2026-11-31T25:00:00Z", "1e3"]) {
    it(`rejects ${JSON.stringify(text)} with kind usage naming the option`, () =>
      assert.throws(
        () => parseSince(text, "--since"),
        (e: any) => e.kind === "usage" && e.details.option === "--since",
      ));
  }
});

describe("--since, --session and --state on the command line", () => {
  const h = tempHome();
  const session = "0b7e9a52-3c41-4f7d-9e2a-5d6c7b8a9f10";
  const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
  const recent = new Date(Date.now() - 60_000).toISOString();
  const line = (uuid: string, ts: string, text: string) =>
    JSON.stringify({
      type: "user",
      sessionId: session,
      uuid,
      parentUuid: null,
      timestamp: ts,
      cwd: "/work/shop",
      version: "2.0.14",
      message: { role: "user", content: text },
    }) + "\n";
  let d: TestDaemon;
  const cli = (...args: string[]) => runCli(args, h.env);
  before(async () => {
    mkdirSync(join(h.claudeProjects, "-work-shop"), { recursive: true });
    writeFileSync(
      join(h.claudeProjects, "-work-shop", `${session}.jsonl`),
      line("u-1", old, "the wombat migration, days ago") + line("u-2", recent, "the wombat migration, a minute ago"),
    );
    d = await startTestDaemon(h);
    const c = await RpcClient.connect(d.socket);
    try {
      await pollUntil(async () => (await c.call("search.query", { q: "wombat" })).results.length >= 2, { what: "the import" });
    } finally {
      c.close();
    }
  });
  after(async () => {
    await d?.kill();
    h.cleanup();
  });

  for (const noDaemon of [false, true]) {
    const mode = noDaemon ? " (--no-daemon)" : "";
    const extra = noDaemon ? ["--no-daemon"] : [];
    it(`search --since 1h leaves out what is older${mode}`, async () => {
      const all = await cli("search", "wombat", "--json", ...extra);
      assert.equal(all.code, 0, all.stderr);
      assert.equal(all.json().results.length, 2);
      const hour = await cli("search", "wombat", "--since", "1h", "--json", ...extra);
      assert.equal(hour.code, 0, hour.stderr);
      assert.deepEqual(
        hour.json().results.map((r: any) => r.ts),
        [recent],
      );
      const week = await cli("search", "wombat", "--since", "7d", "--json", ...extra);
      assert.equal(week.json().results.length, 2);
      const iso = await cli("search", "wombat", "--since", recent.slice(0, 10), "--json", ...extra);
      assert.equal(iso.code, 0, iso.stderr);
      assert.ok(iso.json().results.some((r: any) => r.ts === recent));
    });

    it(`search --since garbage is a usage error, exit 2${mode}`, async () => {
      const r = await cli("search", "wombat", "--since", "garbage", "--json", ...extra);
      assert.equal(r.code, 2);
      assert.equal(r.json().error.kind, "usage");
    });

    it(`search --session naming no session is a usage error, exit 2${mode}`, async () => {
      const r = await cli("search", "wombat", "--session", "nonexist", "--json", ...extra);
      assert.equal(r.code, 2, r.stdout);
      assert.equal(r.json().error.kind, "usage");
      const there = await cli("search", "wombat", "--session", `claude-${session}`, "--json", ...extra);
      assert.equal(there.code, 0, there.stderr);
      assert.equal(there.json().results.length, 2);
      const byToolId = await cli("search", "wombat", "--session", session, "--json", ...extra);
      assert.equal(byToolId.code, 0, byToolId.stderr);
      assert.equal(byToolId.json().results.length, 2, "the tool's own session id finds it too");
    });

    it(`sessions list --state bogus is a usage error, exit 2${mode}`, async () => {
      const r = await cli("sessions", "list", "--state", "bogus", "--json", ...extra);
      assert.equal(r.code, 2);
      assert.equal(r.json().error.kind, "usage");
      const ok = await cli("sessions", "list", "--state", "imported", "--json", ...extra);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(
        ok.json().sessions.map((s: any) => s.id),
        [`claude-${session}`],
      );
    });
  }

  it("audit list --since garbage is a usage error, exit 2", async () => {
    const r = await cli("audit", "list", "--since", "garbage", "--json");
    assert.equal(r.code, 2);
    assert.equal(r.json().error.kind, "usage");
  });

  it("over the socket, a since that is not an ISO time and a session that is not there are refused with typed errors", async () => {
    const c = await RpcClient.connect(d.socket);
    try {
      for (const call of [
        () => c.call("search.query", { q: "wombat", since: "1h" }),
        () => c.call("audit.list", { since: "garbage" }),
        () => c.call("sessions.list", { state: "bogus" } as never),
      ]) {
        await assert.rejects(call(), (e: any) => e.kind === "invalid_params" && e.code === -32602);
      }
      await assert.rejects(c.call("search.query", { q: "wombat", session: "nonexist" }), (e: any) => e.kind === "not_found");
    } finally {
      c.close();
    }
  });
});
