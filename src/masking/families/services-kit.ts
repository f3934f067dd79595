// The building blocks of the service rules (services*.ts): what a random body
// looks like, and a rule tried from before its keyword.
import { classChanges, entropy, placeholder, randomEnough } from "../allowlist.js";
import type { Rule } from "../rule-kit.js";

/**
 * A hex body: random hex of 32 chars has ~3.8 bits per char (3 or less about once in a
 * thousand), of 12 ~3.2; `deadbeef…` repeats and `0000…` fall short.
 */
export const hex = (s: string) => randomEnough(s, s.length < 16 ? 2 : s.length < 24 ? 2.5 : 2.8);
/**
 * A random-looking body of letters (and digits): both cases, changing class (not `ABCDEFabcdef`),
 * high entropy. Not `mixed`: a random body of 22 chars lacks a digit
 * one time in 40.
 */
export const rnd = (s: string, h = 4) => /[a-z]/.test(s) && /[A-Z]/.test(s) && classChanges(s) >= 2 && randomEnough(s, h);
export const FAMILY = (family: string, note?: string) => ({ family, note });

/**
 * A rule whose keyword is not the token's start (`:AA` of a Telegram token, `-us` of a Mailchimp
 * key): the rule is tried from where the token would start, up to `back` chars of `chars` before
 * the keyword. On a stream those chars may go out before the keyword arrives (Rule.lead), unless
 * the rule holds them (Rule.partial): then at most `lead`.
 */
export function fromBefore(rule: Rule, back: number, chars: RegExp, lead = back): Rule {
  return {
    ...rule,
    lead,
    find(text, at) {
      let s = at;
      while (s > at - back && s > 0 && chars.test(text[s - 1]!)) s--;
      return rule.find(text, s);
    },
  };
}

export const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A UUID-shaped key: random hex, not `00000000-0000-…` nor `12345678-1234-…`. */
export const uuidKey = (s: string) => !placeholder(s) && entropy(s.replace(/-/g, "")) >= 3 && !/^(?:12345678|00000000|abcdef)/i.test(s);
