// The import rules of src/ (issue 13, DESIGN.md "Code layout"), checked over the import graph of
// the TypeScript sources: every import, type-only and dynamic ones included, read with the
// compiler's own pre-processor. Each rule is a function of the graph, so the last tests can show
// each one failing on a graph with one bad import added.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { notifications } from "../protocol/index.js";
import { packageRoot } from "../src/platform/package-info.js";

/** src/ folders top to bottom: a folder imports only folders below it. */
const LAYERS = ["cli", "daemon", "sessions", "sync", "vault", "projection", "ledger", "masking", "control", "rpc", "platform"];
/**
 * The sync engine's own files (watcher, reconciler, writer loop, reader thread, the daemon's store
 * keeper and what it queues): no CLI command runs them. Catch-up, offline rebuild and sinks are
 * functions the CLI's no-daemon mode shares.
 */
const SYNC_ENGINE =
  /^src\/sync\/(engine|watcher|reader|reader-worker|store-keeper|audit-queue|ledger-commits|ledger-indexer|transcript-step|unparseable|remask-job)\.ts$/;
const MAX_LINES = 300;

/** File (relative to the package root) -> the files it imports from src/ and protocol/. */
type Graph = Map<string, string[]>;

function sourceGraph(root: string): { graph: Graph; lines: Map<string, number>; texts: Map<string, string> } {
  const graph: Graph = new Map();
  const lines = new Map<string, number>();
  const texts = new Map<string, string>();
  const files = (readdirSync(join(root, "src"), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(root, "src", f));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const rel = relative(root, file);
    texts.set(rel, text);
    lines.set(rel, text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
    const imported = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
    graph.set(
      rel,
      imported.filter((s) => s.startsWith(".")).map((s) => relative(root, resolve(dirname(file), s.replace(/\.js$/, ".ts")))),
    );
  }
  return { graph, lines, texts };
}

/**
 * Every notification a source sends or handles, by name: `notify("x", ...)`,
 * `onNotification("x", ...)`, or the declaration itself (`notifications.x`, `notifications["x"]`).
 */
function notificationUses(texts: Map<string, string>): Array<{ file: string; name: string }> {
  const call = /\.(?:notify|onNotification)\(\s*(?:"([^"]+)"|'([^']+)'|notifications(?:\.(\w+)|\[\s*"([^"]+)"\s*\]))/g;
  return [...texts].flatMap(([file, text]) => [...text.matchAll(call)].map((m) => ({ file, name: (m[1] ?? m[2] ?? m[3] ?? m[4])! })));
}

/** "src/sync/engine.ts" -> "sync"; protocol/ and files directly in src/ -> null (no layer). */
function layerOf(file: string): string | null {
  const parts = file.split("/");
  return parts[0] === "src" && parts.length > 2 ? parts[1]! : null;
}

const edges = (g: Graph) => [...g].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));
const show = (e: { from: string; to: string }) => `${e.from} -> ${e.to}`;

/** Strongly connected components of more than one node (Tarjan). */
function cycles(g: Map<string, Iterable<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) out.push(scc.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

function folderGraph(g: Graph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const { from, to } of edges(g)) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (!a || !b || a === b) continue;
    if (!out.has(a)) out.set(a, new Set());
    out.get(a)!.add(b);
    if (!out.has(b)) out.set(b, new Set());
  }
  return out;
}

const RULE_5 = "5. every notification sent or handled is declared in protocol/";

/** Every rule's violations, by rule. */
function violations(g: Graph, lines: Map<string, number>, texts: Map<string, string>): Record<string, string[]> {
  const all = edges(g);
  return {
    [RULE_5]: notificationUses(texts)
      .filter((u) => !Object.hasOwn(notifications, u.name))
      .map((u) => `${u.file}: ${u.name}`),
    "1. no import cycle between folders": cycles(folderGraph(g)).map((c) => c.join(" <-> ")),
    "1. no import cycle between files": cycles(g).map((c) => c.join(" <-> ")),
    "layers: nothing imports upward": all
      .filter((e) => {
        const a = LAYERS.indexOf(layerOf(e.from) ?? "");
        const b = LAYERS.indexOf(layerOf(e.to) ?? "");
        return a >= 0 && b >= 0 && b < a;
      })
      .map(show),
    "2. projection/ imports nothing from sync/, sessions/, daemon/, cli/": all
      .filter((e) => layerOf(e.from) === "projection" && ["sync", "sessions", "daemon", "cli"].includes(layerOf(e.to) ?? ""))
      .map(show),
    "3. only daemon/ and cli/commands/daemon/ import daemon/": all
      .filter((e) => layerOf(e.to) === "daemon" && layerOf(e.from) !== "daemon" && !e.from.startsWith("src/cli/commands/daemon/"))
      .map(show),
    "4. cli/ imports no daemon internals (daemon/, sessions/, the sync engine)": all
      .filter((e) => layerOf(e.from) === "cli" && !e.from.startsWith("src/cli/commands/daemon/"))
      .filter((e) => layerOf(e.to) === "daemon" || layerOf(e.to) === "sessions" || SYNC_ENGINE.test(e.to))
      .map(show),
    [`6. no file in src/ over ${MAX_LINES} lines`]: [...lines].filter(([, n]) => n > MAX_LINES).map(([f, n]) => `${f}: ${n} lines`),
  };
}

describe("architecture: the import rules of src/", () => {
  const { graph, lines, texts } = sourceGraph(packageRoot());

  it("reads the whole source tree", () => {
    assert.ok(graph.size > 100, `only ${graph.size} files under src/`);
    assert.ok(graph.get("src/daemon/daemon.ts")?.includes("src/platform/paths.ts"), "the graph sees daemon.ts import platform/paths.ts");
  });

  it("sees every declared notification sent by the daemon and handled by the CLI", () => {
    const uses = notificationUses(texts);
    for (const name of Object.keys(notifications)) {
      assert.ok(
        uses.some((u) => u.name === name && !u.file.startsWith("src/cli/")),
        `${name} is sent`,
      );
      assert.ok(
        uses.some((u) => u.name === name && u.file.startsWith("src/cli/")),
        `${name} is handled`,
      );
    }
  });

  for (const [rule, found] of Object.entries(violations(graph, lines, texts))) {
    it(rule, () => assert.deepEqual(found, []));
  }

  // Each rule must be able to fail: one bad import (or one long file) added to the real graph.
  const broken: Array<[string, string, string]> = [
    ["1. no import cycle between folders", "src/platform/paths.ts", "src/daemon/daemon.ts"],
    ["1. no import cycle between files", "src/platform/native.ts", "src/platform/lock.ts"],
    ["layers: nothing imports upward", "src/masking/rules.ts", "src/vault/store.ts"],
    ["2. projection/ imports nothing from sync/, sessions/, daemon/, cli/", "src/projection/schema.ts", "src/sessions/hub.ts"],
    ["3. only daemon/ and cli/commands/daemon/ import daemon/", "src/cli/commands/status.ts", "src/daemon/daemon.ts"],
    ["4. cli/ imports no daemon internals (daemon/, sessions/, the sync engine)", "src/cli/commands/search.ts", "src/sessions/hub.ts"],
  ];
  for (const [rule, from, to] of broken) {
    it(`fails "${rule}" on a bad import (${from} -> ${to})`, () => {
      assert.ok(graph.has(from) && graph.has(to), "both files exist");
      const bad: Graph = new Map(graph);
      bad.set(from, [...graph.get(from)!, to]);
      assert.ok(violations(bad, lines, texts)[rule]!.length > 0);
    });
  }
  it(`fails "6. no file in src/ over ${MAX_LINES} lines" on a long file`, () => {
    const long = new Map(lines).set("src/platform/paths.ts", MAX_LINES + 1);
    assert.ok(violations(graph, long, texts)[`6. no file in src/ over ${MAX_LINES} lines`]!.length > 0);
  });
  it(`fails "${RULE_5}" on an undeclared one`, () => {
    const bad = new Map(texts).set("src/sessions/hub.ts", `${texts.get("src/sessions/hub.ts")}\nctx.notify("session.gone", {});\n`);
    assert.deepEqual(violations(graph, lines, bad)[RULE_5], ["src/sessions/hub.ts: session.gone"]);
  });
});
