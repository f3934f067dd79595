// Secrets known by where they are written rather than by a format of their own: a command's
// argument that is a password (`curl -u user:pass`). Tried with the generic rules of rules.ts, after
// the token families; see rule-kit.ts for how a rule is written. The pieces of each pattern the
// stream masker needs to hold a value still arriving are exported for unfinished.ts.
import { passwordValue } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";

/** The chars of a command-line value (as rules.ts's ASSIGNMENT_VALUE, a `:` included). */
const VALUE = String.raw`(?:[A-Za-z0-9_\-+/=.~!@#$%^*?:|]|&(?![A-Za-z_][A-Za-z0-9_]*=))`;
/**
 * `curl … -u user:` / `--user user:` / `-uuser:` / `--user="user:`: the user is kept, what follows
 * its first `:` is the password. The lookbehind finds `curl` earlier on the line (quotes and
 * JSON-escaped quotes allowed, not a newline, raw or escaped); `-u` of other commands (docker's
 * uid:gid) is not a password.
 */
export const CURL_USER_KEEP = String.raw`(?<=${B}curl(?:[ \t](?:[^\n\r;|&\x60\\]|\\(?![nr])){0,512}?)?[ \t]-?)-u(?:ser)?(?:[ \t]{1,4}|=)?(?:\\{0,7}["'])?[^\s:"'\\@]{0,128}:`;

export const CONTEXT_RULES: readonly Rule[] = [
  regexRule("password", ["-u"], String.raw`(${CURL_USER_KEEP})(?=(${VALUE}{6,1024}))\2(?!${VALUE})`, (s, m) => passwordValue(s, /["']$/.test(m[1]!) ? "quoted" : "literal"), {
    family: "Passwords",
    keep: true,
    note: "curl's -u/--user user:password",
    keywordContext: String.raw`(?=(?:ser)?[ \t=]{0,4}(?:\\{0,7}["'])?[^\s:"'\\@]{0,128}:)`,
  }),
];
