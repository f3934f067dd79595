// The rules as data for people: `warden mask --rules [--json]` prints them, and the README's
// families table is generated from them (tools/gen-rules-table.ts), so both say what RULES does.
import { marker, RULES, type Rule } from "./rules.js";

/** One rule as `warden mask --rules --json` prints it. */
export interface RuleInfo {
  id: string;
  family: string;
  /** Literal, case-sensitive: the rule is tried only where one of them occurs. */
  keywords: string[];
  /** The regex tried at a keyword (null for a rule written as code). */
  pattern: string | null;
  /** Its flags besides sticky ("i": ignores case). */
  flags: string;
  /** Group 1 of the pattern stays visible (a name, `scheme://user:`); the rest is masked. */
  keeps: boolean;
  /** What the keyword scan requires right after a keyword (regex), or null. */
  keywordContext: string | null;
  /** A token still arriving on a stream is held back from its keyword. */
  prefix: boolean;
  note: string | null;
}

export function ruleInfo(r: Rule): RuleInfo {
  return {
    id: r.name,
    family: r.family,
    keywords: [...r.keywords],
    pattern: r.pattern ?? null,
    flags: r.flags ?? "",
    keeps: r.keep ?? false,
    keywordContext: r.keywordContext ?? null,
    prefix: r.prefix,
    note: r.note ?? null,
  };
}

/** Keywords for people: a case-insensitive rule's case variants (`key`, `Key`, `KEY`) once. */
export function shownKeywords(r: RuleInfo): string[] {
  if (!r.flags.includes("i")) return r.keywords;
  return [...new Set(r.keywords.map((k) => k.toLowerCase()))];
}

/** The rule's pattern ignores case and its keywords have letters: they are listed in every case. */
export const anyCase = (r: RuleInfo): boolean => r.flags.includes("i") && /[a-z]/i.test(r.keywords.join(""));

/** What stays visible of a match, in a few words. */
export const visible = (r: RuleInfo): string => (r.keeps ? "group 1 (the name or prefix before the secret)" : "nothing");

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``);

/**
 * The README's families table: one row per rule id (a rule written as several entries, like
 * `password`, is one row), in RULES order: the family, how it shows, what it finds.
 */
export function familiesTable(rules: readonly Rule[] = RULES): string {
  const rows = new Map<string, { family: string; keywords: string[]; notes: string[]; anyCase: boolean; keeps: boolean }>();
  for (const info of rules.map(ruleInfo)) {
    const row = rows.get(info.id) ?? { family: info.family, keywords: [], notes: [], anyCase: false, keeps: false };
    for (const k of shownKeywords(info)) if (!row.keywords.includes(k)) row.keywords.push(k);
    if (info.note && !row.notes.includes(info.note)) row.notes.push(info.note);
    row.anyCase ||= anyCase(info);
    row.keeps ||= info.keeps;
    rows.set(info.id, row);
  }
  const lines = ["| Family | Shows as | What it finds (keywords; what else decides) |", "| --- | --- | --- |"];
  for (const [id, r] of rows) {
    const keywords = r.keywords.map(code).join(", ") + (r.anyCase ? " (any case)" : "");
    const finds = [keywords, ...r.notes, ...(r.keeps ? ["what comes before the secret stays visible"] : [])].join("; ");
    lines.push(`| ${cell(r.family)} | \`${marker(id)}\` | ${cell(finds)} |`);
  }
  return lines.join("\n");
}
