// Finding what to mask in a text: exact vault values first (longest first), then values known only
// by keyed digest, then the rules, each tried only where one of its keywords occurs. Overlaps go to
// the earlier: values, then rules in RULES order. Text with terminal escape sequences is searched
// twice: as it is, and without the sequences (a secret split by a colour code), each match of the
// second mapped back to its raw span; the two are merged, overlapping matches into one span
// covering both.
import { type AnsiForm, type AnsiView, ansiView, rawSpan } from "./ansi.js";
import type { KeywordIndex } from "./keyword-index.js";
import type { Rule, Span } from "./rule-kit.js";
import { PRIORITY, RULE_INDEX } from "./rules.js";
import type { FormSet } from "./secret-values.js";

export interface Match {
  start: number;
  end: number;
  /** A rule's name, or `secret` for a vault value. */
  rule: string;
}

const NONE: Match[] = [];

/**
 * Non-overlapping matches in text order; the same empty array (no allocation) when there are none.
 * `form` says how escape sequences may be written in the text (see ansi.ts); `view` is the text
 * without them, when the caller has it already.
 */
export function findMatches(text: string, values: FormSet, form: AnsiForm = "text", view: AnsiView | null = ansiView(text, form)): Match[] {
  const found = findIn(text, values);
  if (view === null) return found;
  const seen = findIn(view.text, values);
  if (seen.length === 0) return found;
  return union(found.concat(seen.map((m) => ({ ...rawSpan(view, m.start, m.end), rule: m.rule }))));
}

/** Vault values, then values known by digest, then rules. */
function findIn(text: string, values: FormSet): Match[] {
  let found = values.forms.length > 0 ? findValues(text, values) : [];
  const known = values.known?.find(text);
  if (known && known.length > 0) found = found.length === 0 ? known : resolve(found.concat(known));
  const candidates = findRules(text);
  if (candidates === null) return found.length === 0 ? NONE : found;
  return resolve(found.concat(candidates));
}

/** Vault values before every rule. */
const priority = (m: Match) => (m.rule === "secret" ? -1 : PRIORITY.get(m.rule)!);

/**
 * Overlapping matches resolved in one sweep in text order: of two that overlap, the one of the
 * earlier rule stays (the same as accepting them by priority, for the spans rules produce), in
 * O(n log n) however many there are.
 */
function resolve(all: Match[]): Match[] {
  all.sort((a, b) => a.start - b.start || priority(a) - priority(b));
  const out: Match[] = [];
  for (const c of all) {
    const last = out[out.length - 1];
    if (last === undefined || c.start >= last.end) out.push(c);
    else if (priority(c) < priority(last)) out[out.length - 1] = c;
    else if (c.rule === "secret" && last.rule === "secret") out[out.length - 1] = { ...last, end: Math.max(last.end, c.end) }; // overlapping values: all of both
  }
  return out;
}

/** Matches merged where they overlap: one span over all of them, named by the earliest rule. */
function union(all: Match[]): Match[] {
  all.sort((a, b) => a.start - b.start || priority(a) - priority(b));
  const out: Match[] = [];
  for (const c of all) {
    const last = out[out.length - 1];
    if (last === undefined || c.start >= last.end) out.push(c);
    else out[out.length - 1] = { start: last.start, end: Math.max(last.end, c.end), rule: priority(c) < priority(last) ? c.rule : last.rule };
  }
  return out;
}

function findValues(text: string, { forms, pattern }: FormSet): Match[] {
  const found: Match[] = [];
  if (pattern) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) found.push({ start: m.index, end: m.index + m[0].length, rule: "secret" });
    return found;
  }
  for (const form of forms) {
    for (let i = text.indexOf(form); i >= 0; i = text.indexOf(form, i + form.length)) found.push({ start: i, end: i + form.length, rule: "secret" });
  }
  return forms.length > 1 ? resolve(found) : found;
}

/** Every rule match at every keyword occurrence (overlapping), or null when there is none. `index`: another rule set (the bench's). */
export function findRules(text: string, index: KeywordIndex = RULE_INDEX): Match[] | null {
  let candidates: Match[] | null = null;
  const add = (span: Span, rule: Rule) => (candidates ??= []).push({ start: span.start, end: span.end, rule: span.rule ?? rule.name });
  // Keywords may overlap ("SECRET_KEY": both are visited).
  const attempt = (rules: readonly Rule[], at: number) => {
    for (const rule of rules) {
      if (rule.findAll) for (const span of rule.findAll(text, at)) add(span, rule);
      else {
        const span = rule.find(text, at);
        if (span) add(span, rule);
      }
    }
  };
  index.each(text, (keyword, at) => {
    const { plain, gated } = index.triesAt(keyword);
    attempt(plain, at);
    for (const g of gated) {
      const rules = g.byKey.get(g.which(text, at));
      if (rules) attempt(rules, at);
    }
  });
  return candidates;
}
