// How the rules of services-named.ts are made from its table: a provider's name before a secret
// word (HUBSPOT_API_KEY=, "datadogApiKey": "), found by one walk back over the name for all of them.
import type { Rule } from "../rule-kit.js";

/**
 * What follows a secret word in an assignment up to its value: the rest of the name, closing
 * quotes, an operator, an opening quote, an auth scheme (as assignments.ts's ASSIGNMENT_KEEP, in its
 * simpler forms).
 */
const NAME_REST = String.raw`[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}(?:=>?|:=?)[ \t]{0,4}(?:\\{0,7}["'\x60])?(?:(?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]+)?`;
/**
 * The words a provider's secret is named with (`HUBSPOT_API_KEY`, `twilioAuthToken`, `X-Postmark-
 * Server-Token`) and the scan's lookahead after them: the generic rule's keywords and context (rules.ts,
 * assignments.ts), so the scan reports them anyway and a provider's name costs the scan nothing.
 */
const SECRET_WORDS = ["key", "token", "secret", "auth"].flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()]);
const SECRET_WORD = `(?:${SECRET_WORDS.join("|")})`;
const NAME_CONTEXT = String.raw`(?=[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}[:=])`;

/**
 * A provider whose secret has no prefix of its own (a UUID, 32 hex): masked only as the value of a
 * name in which `name` (case-insensitive) comes before a secret word: HUBSPOT_API_KEY=,
 * "datadogApiKey": ". The name stays visible. `end` is what may not follow the value (it was
 * longer: not this format); `accept` sees the value and the whole name with its operator.
 */
export interface Named {
  id: string;
  family: string;
  name: string;
  value: string;
  end: string;
  accept: (s: string, name: string) => boolean;
  note: string;
}

/** The chars of a name, by char code: `[A-Za-z0-9_.-]`. */
const NAME_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") NAME_CHAR[c.charCodeAt(0)] = 1;
/** The named providers, in one regex tried on the identifier before a secret word (group i+1: NAMED[i]). */
let namedAny: RegExp | null = null;
let lastText = "";
let lastAt = -1;
let lastProvider = -1;
let lastBefore = "";
/**
 * Which named provider the identifier before the secret word at `at` names (-1: none), computed
 * once for all the named rules tried at that keyword: most keywords in code and transcripts name
 * none, and each costs a walk back over the name and one regex test.
 */
function providerAt(text: string, at: number): number {
  if (at === lastAt && text === lastText) return lastProvider;
  lastText = text;
  lastAt = at;
  lastProvider = -1;
  let from = at;
  while (from > at - 40 && from > 0 && NAME_CHAR[text.charCodeAt(from - 1)] === 1) from--;
  if (at - from < 2) return -1; // shorter than any provider's name
  from += escapeEnd(text, from, at);
  lastBefore = text.slice(from, at);
  const m = namedAny!.exec(lastBefore);
  if (m) lastProvider = m.slice(1).findIndex((g) => g !== undefined);
  return lastProvider;
}

/**
 * How many chars at `from` (the start of a name found by walking back) end an escape rather than
 * start the name: the letter of a JSON escape (`\\nDD_API_KEY`), the end of a colour code.
 */
function escapeEnd(text: string, from: number, at: number): number {
  const before = text[from - 1];
  if (before === "\\") return 1;
  if (before !== "[" && before !== ";") return 0;
  if (!ESCAPE_START.test(text.slice(Math.max(0, from - 30), from))) return 0;
  return /^[0-9]{0,20}[mK]/.exec(text.slice(from, at))?.[0].length ?? 0;
}
const ESCAPE_START = /(?:\x1b|\\u001[bB])\[[0-9;]{0,20}$/;

/** One rule per row of `table`, in its order; call it once (the rows share one regex, in providerAt). */
export function namedRules(table: readonly Named[]): Rule[] {
  namedAny = new RegExp(table.map((n) => `(${n.name})`).join("|"), "i");
  return table.map((n, i) => {
    const source = String.raw`(${SECRET_WORD}${NAME_REST})(?:${n.value})(?!${n.end})`;
    const re = new RegExp(source, "y");
    return {
      name: n.id,
      family: n.family,
      note: n.note,
      pattern: `${n.name} (any case) before ${source}`,
      keywords: SECRET_WORDS,
      prefix: false,
      keywordContext: NAME_CONTEXT,
      gate: { which: providerAt, key: i },
      find(text, at) {
        if (providerAt(text, at) !== i) return null;
        re.lastIndex = at;
        const m = re.exec(text);
        if (!m) return null;
        const start = at + m[1]!.length;
        const end = at + m[0].length;
        return n.accept(text.slice(start, end), lastBefore + m[1]!) ? { start, end } : null;
      },
    };
  });
}
