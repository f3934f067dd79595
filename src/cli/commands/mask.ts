import { Command, Option } from "clipanion";
import { WardenCommand } from "../base.js";

/** Exit statuses: no findings, findings. Failures exit as every command's do (report.ts): 1, or 2 for usage. */
const CLEAN = 0;
const FOUND = 1;

export class MaskCommand extends WardenCommand {
  static override paths = [["mask"]];
  static override usage = Command.Usage({
    category: "Sync",
    description: "Run the masking rules over a file and print what they find, or list the rules",
    details: `
      Runs the rules that mask PTY output and imported transcripts (token formats, private key blocks, credentials in URLs, secret-looking assignments; not the values of unlocked vaults) over a file, line by line, and prints each finding: file:line:column, the rule, and a preview that never shows the secret (at most its first 4 chars, then … and its length). A private key block spanning lines is found whole, and so is a Kubernetes Secret manifest (reported at its document's end). Works without a daemon; large files are read as a stream.

      For trying rules out: a line you expect masked that is not found is a miss, a finding that is no secret is a false positive.

      With --json, one JSON document at the end: {file, lines, count, findings: [{line, column, rule, preview, length}], rules, rulesVersion}; a failure is {"error": {kind, ...}} as for every command.

      Exits 0 when nothing is found, 1 when something is or the file cannot be read (with --json, \`error.kind\` says which: not_found for a missing file), 2 when the options are wrong.

      With --rules, prints the rules instead, in the order they win an overlap: each rule's id (masked text shows \`[MASKED:<id>]\`), its family, its keywords (a rule is tried only where one occurs; literal, case-sensitive), what stays visible of a match (\`group 1\`: the name or prefix before the secret), and its note; then each rule's pattern and the context its keywords need. With --json: {rules: [{id, family, keywords, pattern, flags, keeps, keywordContext, prefix, note}], rulesVersion}. A rule id may appear more than once (one rule written as several patterns).
    `,
    examples: [
      ["Check a transcript", "warden mask --check ~/.claude/projects/-home-me-app/3f2b8c1e.jsonl"],
      ["Check what a command prints", "make deploy 2>&1 | warden mask --stdin"],
      ["Findings as JSON", "warden mask --check .env --json | jq -c '.findings[]'"],
      ["List the rules", "warden mask --rules"],
      ["The rules' keywords as JSON", "warden mask --rules --json | jq -c '.rules[] | {id, keywords}'"],
    ],
  });

  check = Option.String("--check", { description: "The file to check" });
  stdin = Option.Boolean("--stdin", false, { description: "Check standard input instead of a file" });
  rules = Option.Boolean("--rules", false, { description: "List the masking rules (id, family, keywords, pattern, what stays visible, note)" });
  override json = Option.Boolean("--json", false, { description: "One JSON document: the findings and a summary" });

  async run(): Promise<number> {
    const { WardenError } = await import("../../platform/errors.js");
    if (this.rules) {
      if (this.check !== undefined || this.stdin)
        throw new WardenError("usage", "--rules lists the rules; it takes no --check or --stdin", { option: "--rules" });
      return this.listRules();
    }
    if ((this.check === undefined) === !this.stdin) throw new WardenError("usage", "give a file with --check FILE, or --stdin", { option: "--check" });
    const { LineChecker, linesOf } = await import("../../masking/check.js");
    const { RULES_VERSION } = await import("../../masking/rules.js");
    const file = this.check ?? "-";
    const input = this.check === undefined ? this.stdinText() : await this.fileText(this.check);
    const out = this.context.stdout;
    const rules: Record<string, number> = {};
    type Finding = { line: number; column: number; rule: string; preview: string; length: number };
    const findings: Finding[] = []; // kept for --json only: previews and positions, never a secret
    let count = 0;
    const report = (fs: Finding[]) => {
      for (const f of fs) {
        count++;
        rules[f.rule] = (rules[f.rule] ?? 0) + 1;
        if (this.json) findings.push(f);
        else out.write(`${file}:${f.line}:${f.column}: ${f.rule} ${f.preview} (${f.length} chars)\n`);
      }
    };
    const checker = new LineChecker();
    for await (const line of linesOf(input)) report(checker.push(line));
    report(checker.end());
    const byRule = Object.entries(rules)
      .map(([r, n]) => `${r} ${n}`)
      .join(", ");
    const human = count === 0 ? `no findings in ${file} (${checker.lines} lines)` : `${count} finding(s) in ${file} (${checker.lines} lines): ${byRule}`;
    this.print(human, { file, lines: checker.lines, count, findings, rules, rulesVersion: RULES_VERSION });
    return count === 0 ? CLEAN : FOUND;
  }

  private async listRules(): Promise<number> {
    const { RULES, RULES_VERSION } = await import("../../masking/rules.js");
    const { anyCase, ruleInfo, shownKeywords, visible } = await import("../../masking/rule-table.js");
    const { B } = await import("../../masking/rule-kit.js");
    const { table } = await import("../table.js");
    const rules = RULES.map(ruleInfo);
    const summary = table(rules, [
      { header: "ID", cell: (r) => r.id },
      { header: "FAMILY", cell: (r) => r.family },
      { header: "KEYWORDS", cell: (r) => shownKeywords(r).join(" ") + (anyCase(r) ? " (any case)" : "") },
      { header: "VISIBLE", cell: (r) => (r.keeps ? "group 1" : "-") },
      { header: "NOTE", cell: (r) => r.note ?? "" },
    ]);
    const patterns = rules.map((r) => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the table shows the boundary as the literal text ${B}
      const lines = [`${r.id}: ${r.pattern === null ? "(written as code)" : `/${r.pattern.replaceAll(B, "${B}")}/${r.flags}`}`];
      if (r.keeps) lines.push(`  visible: ${visible(r)}`);
      if (r.keywordContext) lines.push(`  keyword context: ${r.keywordContext}`);
      return lines.join("\n");
    });
    const legend = `\${B} is where a token may start (not inside a word; after a JSON escape or a colour code): ${B}`;
    this.print(`${summary}\n\nPatterns (tried at a keyword, in this order):\n${patterns.join("\n")}\n${legend}\n\nrules version ${RULES_VERSION}`, {
      rules,
      rulesVersion: RULES_VERSION,
    });
    return 0;
  }

  private async fileText(path: string): Promise<AsyncIterable<string>> {
    const { createReadStream, promises } = await import("node:fs");
    const { WardenError } = await import("../../platform/errors.js");
    const st = await promises.stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") throw new WardenError("not_found", `no such file: ${path}`, { path });
      throw err;
    });
    if (st.isDirectory()) throw new WardenError("usage", `${path} is a directory; give a file`, { path });
    return createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  }

  private stdinText(): AsyncIterable<string> {
    const stdin = this.context.stdin as NodeJS.ReadStream;
    stdin.setEncoding("utf8");
    return stdin;
  }
}
