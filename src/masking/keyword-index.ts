// Where rules need trying in a text: every occurrence of a rule's keyword, in the context its
// rules require. One native pass (kwScan, native/warden_native.c) finds every keyword: a table of
// each keyword's first two bytes, then a compare of the few keywords that start so. V8 runs the
// same scan as one regex alternation 2-3x slower, and slower the more keywords there are (it tests
// every first char at every position): with ~150 rules the regex scan cost more than the rest of
// maskText together.
//
// At a position, the longest keyword whose context holds is reported (a lookahead, checked here
// on the few places a keyword occurs), and the rules of the keywords it starts with are tried
// there too. A keyword several rules share is reported where any of them may match: with no
// context if one of them requires none.
import { native } from "../platform/native.js";
import type { Rule } from "./rule-kit.js";

export interface KeywordIndex {
  /** Calls `visit` for every keyword occurrence in `text` (in its context), in text order. */
  each(text: string, visit: (keyword: string, at: number) => void): void;
  /** For a keyword found, the rules to try there: those with it or with a keyword it starts with. */
  rulesAt(keyword: string): readonly Rule[];
  /** The same rules for trying: those without a gate, and the gated ones by gate (Rule.gate). */
  triesAt(keyword: string): Tries;
}

export interface Tries {
  plain: readonly Rule[];
  gated: ReadonlyArray<{ which: (text: string, at: number) => unknown; byKey: ReadonlyMap<unknown, readonly Rule[]> }>;
}

const NO_TRIES: Tries = { plain: [], gated: [] };

function tries(rules: readonly Rule[]): Tries {
  const gated = new Map<(text: string, at: number) => unknown, Map<unknown, Rule[]>>();
  for (const r of rules) {
    if (!r.gate) continue;
    const byKey = gated.get(r.gate.which) ?? gated.set(r.gate.which, new Map()).get(r.gate.which)!;
    byKey.set(r.gate.key, [...(byKey.get(r.gate.key) ?? []), r]);
  }
  return { plain: rules.filter((r) => !r.gate), gated: [...gated].map(([which, byKey]) => ({ which, byKey })) };
}

/** Pairs per native call; a text with more keyword occurrences is scanned in several calls. */
const OUT_PAIRS = 4096;

export function keywordIndex(rules: readonly Rule[]): KeywordIndex {
  const keywords = [...new Set(rules.flatMap((r) => r.keywords))];
  const contexts = new Map<string, Set<string>>();
  for (const r of rules) for (const k of r.keywords) contexts.set(k, (contexts.get(k) ?? new Set()).add(r.keywordContext ?? ""));
  /** Per keyword index: the sticky lookahead its rules require, or null for none. */
  const context = keywords.map((k) => {
    const cs = contexts.get(k)!;
    return cs.has("") ? null : new RegExp(cs.size === 1 ? [...cs][0]! : `(?:${[...cs].join("|")})`, "y");
  });
  const byKeyword = new Map(keywords.map((k) => [k, rules.filter((r) => r.keywords.some((rk) => k.startsWith(rk)))]));
  const triesBy = new Map([...byKeyword].map(([k, rs]) => [k, tries(rs)]));
  const { kwCompile, kwScan } = native();
  const set = kwCompile(keywords);
  // One per index (and thread: each worker loads its own copy of this module).
  const out = new Int32Array(2 + 2 * Math.max(OUT_PAIRS, keywords.length));
  return {
    rulesAt: (k) => byKeyword.get(k) ?? [],
    triesAt: (k) => triesBy.get(k) ?? NO_TRIES,
    each(text, visit) {
      for (let from = 0; from >= 0; ) {
        kwScan(set, text, out, from);
        let done = -1; // the position a keyword was reported at: the shorter ones there are not
        for (let i = 0, n = out[0]!; i < n; i++) {
          const at = out[2 + 2 * i]!;
          if (at === done) continue;
          const k = keywords[out[3 + 2 * i]!]!;
          if (!text.startsWith(k, at)) continue; // a char above U+00FF, read as its low byte
          const ctx = context[out[3 + 2 * i]!];
          if (ctx) {
            ctx.lastIndex = at + k.length;
            if (!ctx.test(text)) continue;
          }
          done = at;
          visit(k, at);
        }
        from = out[1]!;
      }
    },
  };
}
