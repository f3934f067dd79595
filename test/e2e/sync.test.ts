// The sync engine end to end: a real daemon importing Claude Code and Codex transcripts from their
// real directory layouts, masking on the way in, searchable within a second, and converging
// through rewrites, deletes, renames and a watcher that is switched off.
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const SESSION = "5f0c2d7e-8a91-4c3b-b2d4-0e6f7a8b9c01";
const PROJECT = "-work-shop";
/** Built at run time, so no scanner mistakes this file for one holding a live token. */
const TOKEN = "ghp_" + "Rm4KqzT8vW2nLx6ByH9cJdP3sF7gN0aE5uQi".slice(0, 36);

let seq = 0;
function claudeUser(text: string, ts = "2026-11-20T10:00:00.000Z"): string {
  seq++;
  return (
    JSON.stringify({
      type: "user",
      sessionId: SESSION,
      uuid: `u-${seq}`,
      parentUuid: null,
      timestamp: ts,
      cwd: "/work/shop",
      version: "2.0.14",
      message: { role: "user", content: text },
    }) + "\n"
  );
}
function claudeAssistant(text: string, id = `msg_${++seq}`): string {
  return (
    JSON.stringify({
      type: "assistant",
      sessionId: SESSION,
      uuid: `a-${seq}`,
      requestId: `req_${id}`,
      timestamp: "2026-11-20T10:00:05.000Z",
      cwd: "/work/shop",
      message: {
        id,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [{ type: "text", text }],
        usage: { input_tokens: 10, output_tokens: 5 },
      },
    }) + "\n"
  );
}

async function withClient<T>(d: TestDaemon, fn: (c: RpcClient) => Promise<T>): Promise<T> {
  const c = await RpcClient.connect(d.socket);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** Every byte of the projection (database, WAL) as latin1, to look for a string anywhere in it. */
function projectionBytes(h: TempHome): string {
  return readdirSync(h.runRoot)
    .filter((f) => f.startsWith("projection.sqlite"))
    .map((f) => readFileSync(join(h.runRoot, f)).toString("latin1"))
    .join("");
}

describe("sync engine: transcripts", () => {
  const h = tempHome();
  const file = join(h.claudeProjects, PROJECT, `${SESSION}.jsonl`);
  let d: TestDaemon;
  before(async () => {
    mkdirSync(join(h.claudeProjects, PROJECT), { recursive: true });
    writeFileSync(file, claudeUser("deploy the kubernetes cluster please") + claudeAssistant(`Using token ${TOKEN} from the env file to authenticate`));
    d = await startTestDaemon(h);
  });
  after(async () => {
    await d?.kill("SIGTERM");
    h.cleanup();
  });

  it("imports a transcript present at start, masked, as a claude-code session", async () => {
    const s = await withClient(d, (c) => pollUntil(async () => (await c.call("sessions.list", { source: "claude-code" })).sessions[0], { what: "the import" }));
    assert.equal(s.id, `claude-${SESSION}`);
    assert.equal(s.source, "claude-code");
    assert.equal(s.kind, "transcript");
    assert.equal(s.sourceMissing, false);
    assert.match(s.title ?? "", /kubernetes/);
    assert.equal((s.meta as { cwd: string }).cwd, "/work/shop");
    const events = await withClient(d, (c) => c.call("events.read", { session: s.id }));
    const text = JSON.stringify(events.events);
    assert.ok(text.includes("[MASKED:github]"), "the token is replaced by its marker");
    assert.ok(!text.includes(TOKEN), "the token is not in the events");
    assert.ok(events.events.some((e) => e.kind === "user") && events.events.some((e) => e.kind === "assistant"));
  });

  it("finds words with search.query and never stores the token", async () => {
    const r = await withClient(d, (c) => c.call("search.query", { q: "kubernetes" }));
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0]!.session, `claude-${SESSION}`);
    assert.equal(r.results[0]!.source, "claude-code");
    assert.match(r.results[0]!.snippet, /«kubernetes»/);
    const masked = await withClient(d, (c) => c.call("search.query", { q: "authenticate" }));
    assert.match(masked.results[0]!.snippet, /\[MASKED:github\]/);
    const none = await withClient(d, (c) => c.call("search.query", { q: TOKEN.slice(4) }));
    assert.equal(none.results.length, 0, "the token's text is not indexed");
    assert.ok(!projectionBytes(h).includes(TOKEN.slice(4)), "no byte of the projection holds the token");
  });

  it("searches and lists from the command line, with and without the daemon", async () => {
    const json = await runCli(["search", "kubernetes", "--source", "claude-code", "--json"], h.env);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).results[0].session, `claude-${SESSION}`);
    const human = await runCli(["search", "kubernetes", "--no-daemon"], h.env);
    assert.equal(human.code, 0, human.stderr);
    const [header, hit] = human.stdout.split("\n");
    assert.match(header!, /^SESSION#SEQ +KIND +TIME +MATCH$/);
    assert.match(hit!, new RegExp(`claude-${SESSION}#\\d+ +user .*«kubernetes»`));
    assert.equal(hit!.indexOf("user"), header!.indexOf("KIND"), "columns aligned under the header");
    const bad = await runCli(["search", "x", "--source", "emacs"], h.env);
    assert.equal(bad.code, 2, "a bad --source is a usage error");
    const list = await runCli(["sessions", "list", "--source", "claude-code"], h.env);
    assert.match(list.stdout, new RegExp(`claude-${SESSION} .* claude-code`));
    const run = await runCli(["sync", "run", "--json"], h.env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).full, false);
  });

  it("finds an imported session by the tool's own id (sessions get, events, search --session), with and without the daemon", async () => {
    for (const direct of [[], ["--no-daemon"]]) {
      const got = await runCli(["sessions", "get", SESSION, "--json", ...direct], h.env);
      assert.equal(got.code, 0, got.stdout);
      assert.equal(got.json().id, `claude-${SESSION}`);
      const events = await runCli(["events", SESSION, "--json", ...direct], h.env);
      assert.equal(events.code, 0, events.stdout);
      assert.ok(events.json().events.some((e: { kind: string }) => e.kind === "user"));
      const found = await runCli(["search", "kubernetes", "--session", SESSION, "--json", ...direct], h.env);
      assert.equal(found.code, 0, found.stdout);
      assert.deepEqual(
        found.json().results.map((x: { session: string }) => x.session),
        [`claude-${SESSION}`],
      );
    }
    const none = await runCli(["sessions", "get", "5f0c2d7e-0000-4000-8000-000000000000", "--json"], h.env);
    assert.equal(none.code, 1);
    assert.equal(none.json().error.kind, "not_found");
  });

  it("makes an append searchable within a second or so", async () => {
    appendFileSync(file, claudeUser("now rotate the zanzibar credentials"));
    const t0 = Date.now();
    await withClient(d, (c) => pollUntil(async () => (await c.call("search.query", { q: "zanzibar" })).results.length === 1, { what: "the appended line" }));
    assert.ok(Date.now() - t0 < 10_000);
  });

  it("makes warden's own sessions searchable too, in the background", async () => {
    await withClient(d, async (c) => {
      const s = await c.call("sessions.open", { title: "deploy notes" });
      await c.call("events.append", { session: s.id, kind: "note", data: { text: `the quokka migration used ${TOKEN}` } });
      const hit = await pollUntil(async () => (await c.call("search.query", { q: "quokka", source: "warden" })).results[0], { what: "the ledger indexer" });
      assert.equal(hit.session, s.id);
      assert.match(hit.snippet, /\[MASKED:github\]/);
      const st = await c.call("sync.status", {});
      assert.equal(st.sources.find((x) => x.source === "ledger")!.searchBehind, 0);
    });
  });

  it("answers bad queries with typed errors", async () => {
    await withClient(d, async (c) => {
      await assert.rejects(c.call("search.query", { q: '"unbalanced', syntax: "fts" }), (e: any) => e.data?.kind === "invalid_params");
      await assert.rejects(c.call("search.query", { q: "x", cursor: "nonsense!" }), (e: any) => e.data?.kind === "invalid_params");
      await assert.rejects(c.call("search.query", { q: "x", source: "emacs" } as never), (e: any) => e.data?.kind === "invalid_params");
      const words = await c.call("search.query", { q: 'rotate "zanzibar' }); // quotes in plain words are just text
      assert.equal(words.results.length, 1);
    });
  });

  it("re-imports a rewritten file and keeps history of a deleted one, marked", async () => {
    writeFileSync(file, claudeUser("a different conversation about walruses"));
    await withClient(d, async (c) => {
      await pollUntil(async () => (await c.call("search.query", { q: "walruses" })).results.length === 1, { what: "the rewrite" });
      assert.equal((await c.call("search.query", { q: "zanzibar" })).results.length, 0, "the old content is gone with the old file");
      unlinkSync(file);
      await c.call("sync.run", {});
      const s = await c.call("sessions.get", { session: `claude-${SESSION}` });
      assert.equal(s.sourceMissing, true);
      assert.equal((await c.call("search.query", { q: "walruses" })).results.length, 1, "history stays searchable");
    });
  });

  it("follows a rename: the new path is imported, the old one marked missing", async () => {
    const other = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const a = join(h.claudeProjects, PROJECT, `${other}.jsonl`);
    const b = join(h.claudeProjects, "-work-elsewhere", `${other}.jsonl`);
    writeFileSync(a, claudeUser("pelicans in the pipeline"));
    await withClient(d, async (c) => {
      await pollUntil(async () => (await c.call("search.query", { q: "pelicans" })).results.length === 1, { what: "the new file" });
      mkdirSync(join(h.claudeProjects, "-work-elsewhere"));
      renameSync(a, b);
      await c.call("sync.run", {});
      const s = await c.call("sessions.get", { session: `claude-${other}` });
      assert.equal(s.sourceMissing, false, "same session id: the file is the same transcript");
      assert.match(JSON.stringify(s.meta), /-work-elsewhere/);
    });
  });

  it("reports per-source status", async () => {
    const st = await withClient(d, (c) => c.call("sync.status", {}));
    const claude = st.sources.find((s) => s.source === "claude-code")!;
    assert.equal(claude.root, h.claudeProjects);
    assert.ok(claude.files >= 2);
    assert.ok(claude.missing >= 1);
    assert.ok(claude.masked >= 0);
    assert.equal(claude.filesBehind, 0);
    assert.equal(st.watcher.state, "watching");
    assert.ok((st.masked.sinceStart.github ?? 0) >= 1, "the token masked at start is counted (its file was rewritten since, so the rows holding it are gone)");
    assert.ok(st.sources.some((s) => s.source === "codex"));
    const out = await runCli(["sync", "status"], h.env);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /claude-code/);
  });

  it("writes nothing on a pass where nothing changed", async () => {
    const db = new Database(join(h.runRoot, "projection.sqlite"), { readonly: true });
    try {
      await withClient(d, (c) => c.call("sync.run", {}));
      const before = db.pragma("data_version", { simple: true });
      const r = await withClient(d, (c) => c.call("sync.run", {}));
      assert.equal(r.rows, 0);
      assert.equal(r.files, 0);
      assert.equal(db.pragma("data_version", { simple: true }), before, "no commit by the daemon");
    } finally {
      db.close();
    }
  });
});

describe("sync engine: without a watcher", () => {
  const h = tempHome({ sync: { watch: false, reconcileSecs: 1 } });
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon(h);
  });
  after(async () => {
    await d?.kill("SIGTERM");
    h.cleanup();
  });

  it("converges through the reconciler alone: new directories, appends, rewrites", async () => {
    const dir = join(h.codexSessions, "2026", "11", "20");
    mkdirSync(dir, { recursive: true });
    const id = "0199a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
    const rollout = join(dir, `rollout-2026-11-20T09-00-00-${id}.jsonl`);
    const rec = (type: string, payload: object) => JSON.stringify({ timestamp: "2026-11-20T09:00:01.000Z", type, payload }) + "\n";
    writeFileSync(
      rollout,
      rec("session_meta", { id, timestamp: "2026-11-20T09:00:00.000Z", cwd: "/work/api", originator: "codex_cli_rs", cli_version: "0.46.0" }) +
        rec("response_item", { type: "message", role: "user", content: [{ type: "input_text", text: "why does the flamingo test fail" }] }),
    );
    await withClient(d, async (c) => {
      assert.equal((await c.call("sync.status", {})).watcher.state, "off");
      await pollUntil(async () => (await c.call("search.query", { q: "flamingo", source: "codex" })).results.length === 1, { what: "the reconciler" });
      appendFileSync(
        rollout,
        rec("response_item", { type: "message", role: "assistant", content: [{ type: "output_text", text: "the ostrich fixture is stale" }] }),
      );
      await pollUntil(async () => (await c.call("search.query", { q: "ostrich" })).results.length === 1, { what: "the append" });
      const s = await c.call("sessions.get", { session: `codex-${id}` });
      assert.equal(s.source, "codex");
      assert.equal((await c.call("sessions.get", { session: id })).id, `codex-${id}`, "found by Codex's own id too");
      assert.equal((s.meta as { cwd: string }).cwd, "/work/api");
      rmSync(join(h.codexSessions, "2026"), { recursive: true });
      await pollUntil(async () => (await c.call("sessions.get", { session: `codex-${id}` })).sourceMissing, { what: "the delete" });
      // Archived by Codex's id: warden's session is the one archived, no session of that bare id is made.
      const archived = await c.call("sessions.archive", { session: id });
      assert.equal(archived.id, `codex-${id}`);
      assert.equal(archived.archived, true);
      assert.ok(!(await c.call("sessions.list", { archived: true })).sessions.some((x) => x.id === id));
    });
  });
});
