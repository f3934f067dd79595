// `warden mask --check FILE`: the masking rules over a file, without a daemon. Findings with
// file:line:column, the rule and a preview that never shows the secret; one JSON document with
// --json; exit 0 clean, 1 findings or a failure (error.kind says which), 2 usage.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { tempHome, type TempHome } from "../helpers/home.js";
import { fake, pem, tokens as t } from "../masking/fixtures.js";
import { RULES, RULES_VERSION } from "../../src/masking/rules.js";
import { ruleInfo } from "../../src/masking/rule-table.js";
import { B } from "../../src/masking/rule-kit.js";

let home: TempHome;
let dir: string;
const github = t.github(11);
const pw = fake(20, 12);
const key = pem("OPENSSH", 5);

before(() => {
  home = tempHome();
  dir = join(home.home, "..", "files");
  mkdirSync(dir);
  writeFileSync(join(dir, "clean.txt"), "nothing to see\nthe token and the key are fine\n");
  // A key block over several lines, a token, a URL password, a JSON transcript line, no final newline.
  const transcript = JSON.stringify({ type: "tool_result", content: `$ cat .env\nAPI_KEY=${fake(32, 13)}\n` });
  writeFileSync(
    join(dir, "leaky.txt"),
    [`export GITHUB_TOKEN=${github}`, "id_ed25519:", key, `db: postgres://app:${pw}@db:5432/x`, transcript, "bye"].join("\n"),
  );
});
after(() => home.cleanup());

const cli = (args: string[], input?: string) => runCli(["mask", ...args], home.env, 30_000, input);

describe("warden mask --check", () => {
  it("exits 0 and says so when nothing is found", async () => {
    const r = await cli(["--check", join(dir, "clean.txt")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no findings in .*clean\.txt \(2 lines\)/);
  });

  it("prints file:line:column, the rule and a redacted preview; exits 1", async () => {
    const file = join(dir, "leaky.txt");
    const r = await cli(["--check", file]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.deepEqual(lines.slice(0, -1), [
      `${file}:1:21: github ghp_… (40 chars)`,
      `${file}:3:1: private_key ----… (${key.length} chars)`,
      `${file}:10:20: url_credentials ${pw.slice(0, 4)}… (20 chars)`,
      `${file}:11:${JSON.stringify({ type: "tool_result", content: "$ cat .env\nAPI_KEY=" }).length - 1}: generic_secret ${fake(32, 13).slice(0, 4)}… (32 chars)`,
    ]);
    assert.match(lines.at(-1)!, /^4 finding\(s\) in .*leaky\.txt \(12 lines\): /);
    for (const secret of [github, pw, key.split("\n")[1]!, fake(32, 13)]) assert.ok(!r.stdout.includes(secret.slice(4)), "no secret printed");
  });

  it("prints one JSON document with the findings and a summary with --json", async () => {
    const file = join(dir, "leaky.txt");
    const r = await cli(["--check", file, "--json"]);
    assert.equal(r.code, 1);
    const summary = JSON.parse(r.stdout); // the whole of stdout is one document
    assert.deepEqual(summary.findings[0], { line: 1, column: 21, rule: "github", preview: "ghp_…", length: 40 });
    assert.deepEqual(
      summary.findings.map((d: any) => d.rule),
      ["github", "private_key", "url_credentials", "generic_secret"],
    );
    assert.equal(summary.file, file);
    assert.equal(summary.count, 4);
    assert.equal(summary.lines, 12);
    assert.deepEqual(summary.rules, { github: 1, private_key: 1, url_credentials: 1, generic_secret: 1 });
    assert.ok(Number.isInteger(summary.rulesVersion) && summary.rulesVersion >= 2);
  });

  it("reads standard input with --stdin", async () => {
    const r = await cli(["--stdin", "--json"], `line one\nkey: ${t.stripeLive()}\n`);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.json().file, "-");
    assert.deepEqual(r.json().findings, [{ line: 2, column: 6, rule: "stripe", preview: "sk_l…", length: 32 }]);
  });

  it("a missing file is a failure with kind not_found, exit 1", async () => {
    const missing = join(dir, "nope.txt");
    const text = await cli(["--check", missing]);
    assert.equal(text.code, 1);
    assert.equal(text.stdout, "");
    assert.notEqual(text.stderr, "");
    const json = await cli(["--check", missing, "--json"]);
    assert.equal(json.code, 1);
    assert.equal(json.json().error.kind, "not_found");
    assert.equal(json.json().error.path, missing);
  });

  it("a directory, or neither --check nor --stdin, is a usage error, exit 2", async () => {
    const d = await cli(["--check", dir, "--json"]);
    assert.equal(d.code, 2);
    assert.equal(d.json().error.kind, "usage");
    const neither = await cli(["--json"]);
    assert.equal(neither.code, 2);
    assert.equal(neither.json().error.kind, "usage");
  });

  it("has help with examples", async () => {
    const r = await runCli(["mask", "--help"], home.env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /warden mask --check/);
    assert.match(r.stdout, /--stdin/);
    assert.match(r.stdout, /warden mask --rules/);
  });
});

describe("warden mask --rules", () => {
  it("prints every rule of RULES as JSON: id, family, keywords, pattern, what stays visible, keyword context, note", async () => {
    const r = await cli(["--rules", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = r.json();
    assert.equal(doc.rulesVersion, RULES_VERSION);
    assert.deepEqual(doc.rules, RULES.map(ruleInfo));
    const github = doc.rules.find((x: any) => x.id === "github");
    assert.equal(github.family, "GitHub");
    assert.ok(github.keywords.includes("ghp_"));
    assert.equal(typeof github.pattern, "string");
    assert.equal(github.keeps, false);
    const generic = doc.rules.find((x: any) => x.id === "generic_secret");
    assert.equal(generic.keeps, true);
    assert.equal(typeof generic.keywordContext, "string");
    assert.equal(generic.flags, "i");
    assert.equal(typeof doc.rules.find((x: any) => x.id === "private_key").note, "string");
  });

  it("prints a table and each rule's pattern for people", async () => {
    const r = await cli(["--rules"]);
    assert.equal(r.code, 0, r.stderr);
    const [header] = r.stdout.split("\n");
    assert.ok(r.stdout.includes(B));
    assert.match(header!, /^ID +FAMILY +KEYWORDS +VISIBLE +NOTE$/);
    for (const rule of RULES) {
      assert.match(r.stdout, new RegExp(`^${rule.name} +${rule.family.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} `, "m"), rule.name);
      // The token-start boundary every token rule begins with is written once, as ${B}.
      if (rule.pattern) assert.ok(r.stdout.includes(rule.pattern.replaceAll(B, "${B}")), `${rule.name}'s pattern`);
      if (rule.keywordContext) assert.ok(r.stdout.includes(rule.keywordContext), `${rule.name}'s keyword context`);
    }
  });

  it("is a usage error with --check or --stdin, exit 2", async () => {
    const r = await cli(["--rules", "--stdin", "--json"], "");
    assert.equal(r.code, 2);
    assert.equal(r.json().error.kind, "usage");
  });
});
