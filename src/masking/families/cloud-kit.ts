// The building blocks of the cloud rules (cloud.ts): rules tried at a keyword behind the token's
// start (backRule) or at the last word of a provider's name (namedRule), and the tests that tell a
// random token from a made-up or a word-like one.
import { classChanges, entropy, placeholder, randomEnough } from "../allowlist.js";
import { regexRule, type Rule } from "../rule-kit.js";

/**
 * After a name: its closing quotes, an operator, an opening quote (`=`, `: `, `" => "`, `\":\"`),
 * as ASSIGNMENT_KEEP in assignments.ts, in its simpler forms.
 */
const OPERATOR = String.raw`[\\"'\x60\]]{0,6}[ \t]{0,4}(?:=>?|:=?)[ \t]{0,4}(?:\\{0,7}["'\x60])?`;
/** What the scan requires after a name's word: the name's rest and an operator (ASSIGNMENT_CONTEXT in assignments.ts). */
const NAME_CONTEXT = String.raw`(?=[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}[:=])`;
const cased = (w: string) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()];
/** The words a secret's name ends in; the generic rule scans for them already, so they cost the scan nothing more. */
export const TOKEN = cased("token");
export const KEY = cased("key");
export const SECRET = cased("secret");
/** A colour or erase sequence (raw or JSON-escaped) ending where a name seems to start. */
const ESCAPE_END = /(?:\x1b|\\u001[bB])\[[0-9;]{0,20}[mK]$/;
/** A name that ends in its secret word (`HEROKU_API_KEY`, `SNYK_TOKEN_PROD`), not `HEROKU_KEY_ID`. */
const SECRET_END = /(?:key|token|secret)(?:[_-]?(?:\d{1,3}|v\d|prod|production|dev|staging|test|ci))?$/i;

/** The end of a token made of base64url chars. */
export const END = "(?![A-Za-z0-9_-])";
/** Fly.io org tokens (fo1_) and macaroons (fm1a_, fm1r_, fm2_; gitleaks' flyio-access-token). */
export const FLY_TOKEN = String.raw`(?:fo1_[A-Za-z0-9_-]{43}${END}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,4096}={0,3}(?![A-Za-z0-9+/=]))`;
export const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/**
 * Chars that follow their predecessor in order (`0123…`, `abcd…`, `1234-1234`): a random string
 * has few (1 in 16 for hex), a made-up one (`0123456789abcdef…`) many.
 */
function ascending(s: string): boolean {
  let runs = 0;
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) === s.charCodeAt(i - 1) + 1) runs++;
  return runs > s.length / 4;
}
/**
 * The entropy a random string of `n` chars nearly always reaches (fewer than 1 in 10^4 fall
 * short): below log2(n) by about 1.2 bits for short strings, capped at `max` for long ones.
 */
const entropyFloor = (n: number, max: number) => Math.min(max, Math.log2(n) - 1.2);
/** A UUID that is not made up: hex letters and digits both, not a run or a repeat (`12345678-1234-…`, `0000…`). */
export const randomUuid = (s: string) => randomHex(s.replace(/-/g, ""));
/** Hex with letters and digits, not ascending, near a random string's entropy (32 random hex: 3.0 or more). */
export const randomHex = (s: string) => /[a-f]/i.test(s) && /[0-9]/.test(s) && randomEnough(s, entropyFloor(s.length, 3.2) - 0.2) && !ascending(s);
/** Letters of both cases, not a camelCase name, near a random string's entropy. */
export const randomAlnum = (s: string) =>
  /[a-z]/.test(s) && /[A-Z]/.test(s) && !(!/[0-9]/.test(s) && words(s)) && randomEnough(s, entropyFloor(s.length, 3.5)) && !ascending(s);
/**
 * Made of words (`fileNameWithoutExtension`): 80% of it in runs of 2+ lower-case letters after
 * an optional capital. Random strings of 24+ chars are, 1 in 1000 (and nearly all have a digit).
 */
function words(s: string): boolean {
  let n = 0;
  for (const m of s.matchAll(/[A-Z]?[a-z]{2,}/g)) n += m[0].length;
  return n >= 0.8 * s.length;
}

/**
 * A rule whose token does not begin at its keyword but `back` chars before it: the keyword is
 * its first fixed part (Azure's `Q~` in the fifth place, Terraform's `.atlasv1.` after a 14-char
 * id). On a stream, the chars before the keyword may go out before it is seen (Rule.lead).
 */
export function backRule(
  name: string,
  keywords: readonly string[],
  back: number,
  source: string,
  accept: (s: string) => boolean,
  opts: { family: string; note?: string; keep?: boolean; keywordContext?: string },
): Rule {
  const rule = regexRule(name, keywords, source, accept, { ...opts, prefix: !opts.keep });
  return { ...rule, lead: back, find: (text, at) => (at < back ? null : rule.find(text, at - back)) };
}

/**
 * A secret with no prefix of its own, masked under a name (`HEROKU_API_KEY=`, `AccountKey=`,
 * `X-Vault-Token: `): tried at the name's last word (`KEY`, `Token`), which the generic rule's
 * scan finds anyway, and kept only when the whole name (read back from there) is the provider's.
 * Group 1 (kept) is the word, the name's rest and the operator.
 */
export function namedRule(
  name: string,
  words: readonly string[],
  provider: RegExp,
  value: string,
  accept: (s: string) => boolean,
  opts: { family: string; note: string },
): Rule {
  const re = new RegExp(value, "y");
  PROVIDER_NAMES.push(provider);
  PROVIDERS = new RegExp(PROVIDER_NAMES.map((p) => p.source).join("|"), "i");
  return {
    name,
    family: opts.family,
    note: opts.note,
    pattern: String.raw`((?:${words.join("|")})[A-Za-z0-9_.-]{0,40}${OPERATOR})${value}`,
    keywords: words,
    prefix: false,
    keywordContext: NAME_CONTEXT,
    gate: { which: namesAProvider, key: true },
    find(text, at) {
      assignmentAt(text, at);
      if (lastValueAt < 0 || !provider.test(lastName)) return null;
      const start = lastValueAt;
      re.lastIndex = start;
      const m = re.exec(text);
      return m && accept(m[0]) ? { start, end: start + m[0].length } : null;
    },
  };
}

/** Whether the assignment at `at` is named for any provider here: the gate of every named rule (Rule.gate). */
function namesAProvider(text: string, at: number): boolean {
  assignmentAt(text, at);
  return lastValueAt >= 0 && PROVIDERS.test(lastName);
}

/** Any named rule's provider (each rule tests its own again): most names are no provider's, and are dismissed with one test. */
const PROVIDER_NAMES: RegExp[] = [];
let PROVIDERS = /$^/;
/** After a name: the operator and an opening quote. */
const ASSIGN_OPERATOR = new RegExp(OPERATOR, "y");
/** Chars of a name: letters, digits, `_ . -`. */
const IN_NAME = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") IN_NAME[c.charCodeAt(0)] = 1;
const inName = (text: string, i: number) => IN_NAME[text.charCodeAt(i)] === 1;
/**
 * The assignment whose name's word starts at `at`: where its value starts, or -1 when there is
 * none or the name is no provider's (most are not, and are dismissed with one test). Every
 * named rule is tried at the same word in turn: the last answer is kept, so the name is read
 * once per word, not once per rule.
 */
let lastText = "";
let lastAt = -1;
let lastName = "";
let lastValueAt = -1;
function assignmentAt(text: string, at: number): void {
  if (lastAt !== at || lastText !== text) {
    lastText = text;
    lastAt = at;
    lastValueAt = -1;
    let end = at;
    while (end < at + 48 && inName(text, end)) end++;
    let from = at;
    while (from > at - 60 && from > 0 && inName(text, from - 1)) from--;
    // Not the letter ending a JSON escape (`\nHEROKU_…`) or a colour code (`\x1b[0mHEROKU_…`).
    if (from < at && (text[from - 1] === "\\" || ((text[from] === "m" || text[from] === "K") && ESCAPE_END.test(text.slice(Math.max(0, from - 24), from + 1)))))
      from++;
    lastName = text.slice(from, end);
    if (PROVIDERS.test(lastName) && SECRET_END.test(lastName)) {
      ASSIGN_OPERATOR.lastIndex = end;
      const m = ASSIGN_OPERATOR.exec(text);
      if (m) lastValueAt = end + m[0].length;
    }
  }
}

/** Lower and upper case both: base64 of random bytes. */
export function mixedCase(s: string): boolean {
  return /[a-z]/.test(s) && /[A-Z]/.test(s);
}

/** Upper-case letters and digits both, changing class now and then, near a random string's entropy. */
export function randomAlnumUpper(s: string): boolean {
  const body = s.replace(/-/g, "");
  return (
    /[A-Z]/.test(body) &&
    /[0-9]/.test(body) &&
    classChanges(body) >= body.length / 12 &&
    entropy(body) >= entropyFloor(body.length, 3.3) &&
    !placeholder(s) &&
    !ascending(body)
  );
}
