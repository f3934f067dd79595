// What every masking rule is made of: the Rule shape, the token-start boundary, and regexRule,
// which turns a pattern tried at a keyword into a rule. The rules themselves are in rules.ts (the
// generic ones and the order) and families/*.ts (token formats, one file per group of providers).
import { classChanges } from "./allowlist.js";

export interface Span {
  start: number;
  end: number;
  /** Another rule's name for what was found (the generic rule's assignments can be passwords). */
  rule?: string;
}

export interface Rule {
  /** The rule's id: masked text shows `[MASKED:<name>]`. */
  name: string;
  /** Who issues what it finds, for people (`warden mask --rules`, the README's table): "GitHub", "Credentials in a URL". */
  family: string;
  /** Literal, case-sensitive; the rule is tried only where one of them starts, from there. */
  keywords: readonly string[];
  /** The keywords are the token's own first chars: a token still arriving on a stream is held from there. */
  prefix: boolean;
  /**
   * A lookahead the scan requires after this rule's keywords (regex source), so that the common
   * words among them ("key", "token") report only where the rule can match: no per-occurrence cost
   * in prose and code.
   */
  keywordContext?: string;
  /**
   * Chars of the token before its keyword (Azure's `abc8` of `abc8Q~…`): nothing marks them as a
   * token's start, so on a stream cut inside them they go out before the keyword arrives (the
   * rest is masked). 0 or absent for a token that starts with its keyword.
   */
  lead?: number;
  /**
   * For a token whose secret comes before its keyword (a Mailchimp key's 32 hex before `-us6`):
   * a regex (source) for a text's end that may be such a token still arriving, held back on a
   * stream as a prefix is. Only so much of it as `lead` says may go out before it matches.
   */
  partial?: string;
  /**
   * Rules of providers known by the name a value is assigned to (`HUBSPOT_API_KEY=`) share a
   * keyword (`KEY`) with dozens of others: `gate.which(text, at)` says, once per occurrence for
   * every rule with the same `which`, whose name it is; the rule is tried only where that equals
   * `gate.key` (keyword-index.ts). Most names are no provider's: one call dismisses them all.
   */
  gate?: { which: (text: string, at: number) => unknown; key: unknown };
  /** The regex tried at a keyword (regexRule's source), for `warden mask --rules`. */
  pattern?: string;
  /** The pattern's flags besides the sticky `y` ("i": the pattern ignores case; the keywords are still literal). */
  flags?: string;
  /** Group 1 of the pattern stays visible (the name before the secret, `scheme://user:`); the rest is masked. */
  keep?: boolean;
  /** What else decides a match, in a few words ("random-looking body", "only under a name like HEROKU_API_KEY"). */
  note?: string;
  /** The secret's span for a match starting at `at` (where a keyword starts), or null. */
  find(text: string, at: number): Span | null;
  /** Every secret's span for a match at `at`, for a rule that finds several there (the values of a block); used instead of `find`. */
  findAll?(text: string, at: number): Span[];
}

/**
 * A token may start here: not in the middle of a word, but right after a JSON escape (`\n`, `\t`)
 * or an ANSI colour or erase sequence (raw or JSON-escaped), which end in a letter.
 */
export const B = String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]|\x1b\[[0-9;]{0,20}[mK]|\\u001[bB]\[[0-9;]{0,20}[mK]))`;

/**
 * A rule from a regex tried at the keyword. With `keep`, group 1 is the visible part before the
 * secret (`scheme://user:`, `API_KEY=`) and the rest of the match is masked; else all of it.
 * `accept` may name another rule for the match.
 */
export function regexRule(
  name: string,
  keywords: readonly string[],
  source: string,
  accept: (secret: string, m: RegExpExecArray, text: string) => boolean | string,
  opts: { family: string; note?: string; keep?: boolean; flags?: string; prefix?: boolean; keywordContext?: string; partial?: string },
): Rule {
  const re = new RegExp(source, (opts.flags ?? "") + "y");
  return {
    name,
    family: opts.family,
    note: opts.note,
    partial: opts.partial,
    pattern: source,
    flags: opts.flags ?? "",
    keep: opts.keep ?? false,
    keywords,
    prefix: opts.prefix ?? !opts.keep,
    keywordContext: opts.keywordContext,
    find(text, at) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (!m) return null;
      const start = m.index + (opts.keep ? m[1]!.length : 0);
      const end = m.index + m[0].length;
      const ok = accept(text.slice(start, end), m, text);
      return ok === false ? null : ok === true ? { start, end } : { start, end, rule: ok };
    },
  };
}

/** Upper, lower and digits mixed as in random keys: rules out kebab-case names after a short prefix. */
export const mixed = (s: string) => /[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s) && classChanges(s) >= s.length / 5;
