// Token patterns masked in everything warden records: PTY output (bytes viewed as latin1, one char
// per byte, so non-UTF-8 output stays byte-exact around them) and imported transcript lines (JS
// strings, often whole JSON lines, where newlines inside strings are the two chars `\n`).
//
// Each rule names the keywords it can only match at: one scan of the text for all keywords
// (KEYWORD_SCAN) finds where rules need trying at all, and each rule is tried only there, as a
// sticky match starting at the keyword. Text without keywords costs one regex scan; text full of
// "key" and "token" (code) costs one cheap failed sticky match per occurrence.
//
// A match never crosses a `"` or a `\`, and never starts just after a `\`: replacing it in a JSON
// line keeps the line valid JSON (vault values aside; the sync engine re-masks the parsed value
// when a masked line no longer parses).
import { entropy, genericSecret, passwordName, passwordValue, placeholder, randomEnough, urlPassword } from "./allowlist.js";
import { privateKey } from "./private-key.js";
import { B, mixed, regexRule, type Rule } from "./rule-kit.js";
import { CLOUD_RULES } from "./families/cloud.js";
import { SERVICE_RULES } from "./families/services.js";

export type { Rule, Span } from "./rule-kit.js";

/**
 * Recorded with every row masked by these rules; rows masked under an older version are rescanned
 * in the background. BUMP IT whenever any rule, keyword or allowlist (allowlist.ts,
 * private-key.ts) changes. 1 was the first set of 7 rules; 3 added passwords (a lower bar under
 * password-like names, command-line flags) and tokens split by terminal escape sequences.
 */
export const RULES_VERSION = 3;

/** An assignment's whole name: the identifier chars before the keyword too (`GITHUB_` of GITHUB_TOKEN). */
function assignmentName(text: string, m: RegExpExecArray): string {
  let from = m.index;
  while (from > m.index - 40 && from > 0 && NAME_CHAR.test(text[from - 1]!)) from--;
  return text.slice(from, m.index) + NAME_START.exec(m[1]!)![0];
}
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const NAME_START = /^[A-Za-z0-9_.-]*/;

const AWS = ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3T"];
const GITLAB = ["glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glagent-", "glsoat-", "glcbt-", "gloas-", "glffct-", "GR1348941"];

/** Case variants of the names that make an assignment's value a secret candidate. */
export const ASSIGNMENT_WORDS = ["key", "token", "secret", "pass", "pwd", "auth", "credential"];
const cased = (w: string) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()];
/**
 * `API_KEY=`, `"client_secret": "`, `password: `, `export GITHUB_TOKEN=`, `Authorization: Bearer `,
 * `\"apiKey\":\"` (JSON in JSON): the name from its keyword on (what comes before it is kept
 * anyway), closing quotes, an operator, an opening quote, an auth scheme. Case-insensitive.
 */
export const ASSIGNMENT_KEEP = String.raw`(?:${ASSIGNMENT_WORDS.join("|")})[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}(?:=>?|:=?)[ \t]{0,4}(?:\\{0,7}["'\x60])?(?:(?:bearer|basic|token)[ \t]+)?`;
/** What the scan requires after an assignment keyword: the name's rest and an operator. */
const ASSIGNMENT_CONTEXT = String.raw`(?=[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}[:=])`;
/**
 * An assignment's value: up to whitespace, a quote, a backslash, `,`, `;`, a bracket, or an `&`
 * that starts the next `&name=` of a query string (an `&` in a password is kept).
 */
export const ASSIGNMENT_VALUE = String.raw`(?:[A-Za-z0-9_\-+/=.~!@#$%^*?:|]|&(?![A-Za-z_][A-Za-z0-9_]*=))`;
/** `://user:` of a URL with credentials (the scheme is before the keyword); the user may be empty. */
export const URL_KEEP = String.raw`:\/\/[^\s:@\/?#"'\\<>{}\[\]]{0,128}:`;
/** The password: greedy up to the last `@` before the host (an unencoded `@` in it is common). */
export const URL_PASSWORD = String.raw`[^\s\/?#"'\\<>{}]`;

/** A flag's name ending in a password word (`--password`, `--db-pass`, `--auth-token`, `--api-key`). */
export const PASSWORD_FLAG = String.raw`(?:[A-Za-z0-9]+-){0,4}(?:password|passwd|passphrase|pass|pwd|secret|token|api-?key|secret-key|access-key)`;
/** A command whose -p is a password (mysql, mysqladmin, mysqldump, mariadb, sshpass) and its arguments on the line before it. */
const PASSWORD_COMMAND_ARGS = String.raw`(?:mysql|mariadb|sshpass)[a-z-]{0,12}(?:[ \t][^\n\r;|&"'\\\x60]{0,256}?)?[ \t]`;
export const PASSWORD_COMMAND = String.raw`${PASSWORD_COMMAND_ARGS}-p[ \t]{0,4}(?:\\{0,7}["'])?`;
const quoted = (keep: string) => /["'\x60]$/.test(keep);
/**
 * How an assignment's value is written: quoted; `NAME=value` with nothing between the name and
 * `=` (shell, env, a URL's query: a literal); or `name: value`, `name = value` (config or code).
 */
function assignmentForm(keep: string, text: string, at: number): "quoted" | "literal" | "code" {
  if (quoted(keep)) return "quoted";
  const op = /[:=]/.exec(keep)!;
  const before = text[at + op.index - 1];
  return op[0] === "=" && before !== undefined && /[A-Za-z0-9_]/.test(before) && keep[op.index + 1] !== ">" ? "literal" : "code";
}

/**
 * Order matters where matches overlap: the earlier rule wins (the specific before the generic).
 * Every repetition is bounded: a rule is tried at each keyword, and an unbounded one would make
 * text like "sk-a-sk-a-sk-a…" quadratic.
 */
export const RULES: readonly Rule[] = [
  privateKey,
  regexRule("aws_access_key", AWS, String.raw`${B}(?:A3T[A-Z0-9]|${AWS.slice(0, -1).join("|")})[A-Z0-9]{16}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(4), 2.5), { family: "AWS" }),
  regexRule("github", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], String.raw`${B}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})`, (s) => randomEnough(s), { family: "GitHub" }),
  regexRule("gitlab", GITLAB, String.raw`${B}(?:gl(?:pat|dt|rt|ptt|ft|imt|agent|soat|cbt|oas|ffct)-[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,64}){0,2}|GR1348941[A-Za-z0-9_-]{20,300})`, (s) => randomEnough(s), { family: "GitLab" }),
  // The webhook's path is the secret: the host stays readable.
  regexRule("slack_webhook", ["hooks.slack.com"], String.raw`(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_]{6,64}(?:\/[A-Za-z0-9_-]{4,64}){1,4}`, (s) => randomEnough(s), { family: "Slack", keep: true, prefix: true }),
  // Bot, user, app-level (xapp-1-…), legacy workspace (xoxa-, xoxr-), legacy (xoxs-, and xoxo-
  // in its own shape only: `2018-250-xoxo-indieweb` is a file name) and config tokens.
  regexRule("slack", ["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxe", "xapp-"], String.raw`${B}(?:(?:xox[abprs]-|xoxe\.xox[bp]-|xoxe-|xapp-)[A-Za-z0-9-]{10,300}|xoxo-[0-9]{6,16}-[0-9]{6,16}-[0-9]{6,16}-[A-Za-z0-9]{16,64})`, (s) => /[0-9]/.test(s) && randomEnough(s, 2.5), { family: "Slack" }),
  regexRule("anthropic", ["sk-"], String.raw`${B}sk-ant-[A-Za-z0-9_-]{20,300}`, (s) => randomEnough(s), { family: "Anthropic" }),
  // sk-, sk-proj-, sk-svcacct-, sk-admin-; a key with the T3BlbkFJ marker whatever it looks like.
  regexRule("openai", ["sk-"], String.raw`${B}sk-(?!ant-)(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,400}`, (s) => !placeholder(s) && (s.includes("T3BlbkFJ") || (mixed(s) && entropy(s) >= 3.5)), { family: "OpenAI" }),
  // Test-mode keys too (sk_test_, rk_test_): they are credentials to an account's test data.
  regexRule("stripe", ["sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_"], String.raw`${B}(?:[sr]k_(?:live|test)_[A-Za-z0-9]{20,255}|whsec_[A-Za-z0-9+/=]{24,255})`, (s) => randomEnough(s), { family: "Stripe" }),
  regexRule("google_api_key", ["AIza"], String.raw`${B}AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`, (s) => randomEnough(s), { family: "Google Cloud" }),
  regexRule("npm", ["npm_"], String.raw`${B}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, (s) => randomEnough(s), { family: "npm" }),
  // Macaroons whose first caveat names pypi.org or test.pypi.org.
  regexRule("pypi", ["pypi-AgE"], String.raw`${B}pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}`, (s) => randomEnough(s), { family: "PyPI" }),
  regexRule("huggingface", ["hf_"], String.raw`${B}hf_[A-Za-z0-9]{34,80}`, (s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && randomEnough(s, 3.5), { family: "Hugging Face" }),
  regexRule("sendgrid", ["SG."], String.raw`${B}SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => randomEnough(s), { family: "SendGrid" }),
  ...CLOUD_RULES,
  ...SERVICE_RULES,
  regexRule("jwt", ["eyJ"], String.raw`${B}eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{10,4096}`, (s) => !placeholder(s), { family: "JSON Web Tokens" }),
  // scheme://user:password@host: only the password is masked.
  regexRule("url_credentials", ["://"], String.raw`(?<=[A-Za-z0-9])(${URL_KEEP})${URL_PASSWORD}{1,256}(?=@[A-Za-z0-9\[._-])`, (s) => urlPassword(s), { family: "Credentials in a URL", keep: true }),
  // name = value, name: value, "name": "value" where the name sounds secret and the value looks
  // random (and is not a function called: `key = pbkdf2Sync(…)`). A value is read whole, at most
  // 1024 chars (longer runs are blobs, not values; the bound keeps "key:key:key…" linear).
  // A person's password (or a token handed over) under a password-like name is judged by a lower
  // bar: `DB_PASSWORD="…"`, `"password": "…"`, `password: …`, `?token=…&` (one regex for both).
  regexRule("generic_secret", ASSIGNMENT_WORDS.flatMap(cased), String.raw`(${ASSIGNMENT_KEEP})(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`, (s, m, text) => {
    if (text[m.index + m[0].length] === "(") return false;
    if (genericSecret(s, () => assignmentName(text, m))) return true;
    return passwordValue(s, assignmentForm(m[1]!, text, m.index)) && passwordName(assignmentName(text, m)) ? "password" : false;
  }, { family: "Secret-looking assignments", keep: true, flags: "i", keywordContext: ASSIGNMENT_CONTEXT }),
  // On a command line: `--password X`, `--api-key "X"` (`--password=X` is an assignment).
  regexRule("password", ["--"], String.raw`(--${PASSWORD_FLAG}[ \t]{1,4}(?:\\{0,7}["'])?)(?!-)(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`, (s, m) => passwordValue(s, quoted(m[1]!) ? "quoted" : "literal"), { family: "Passwords", keep: true, flags: "i", keywordContext: String.raw`(?=[A-Za-z0-9-]{2,40}[ \t])` }),
  // `mysql -u root -pX` (or `-p X`), `sshpass -p X ssh …`: -p is the password only for these.
  regexRule("password", ["-p"], String.raw`(?<=${PASSWORD_COMMAND_ARGS})(-p[ \t]{0,4}(?:\\{0,7}["'])?)(?!-)(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`, (s, m) => passwordValue(s, quoted(m[1]!) ? "quoted" : "literal"), { family: "Passwords", keep: true }),
];

const escape = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Every rule's keywords, longest first (so at one position the longest is the one reported). */
const KEYWORDS = [...new Set(RULES.flatMap((r) => r.keywords))].sort((a, b) => b.length - a.length);
const CONTEXT = new Map(RULES.flatMap((r) => r.keywords.map((k) => [k, r.keywordContext ?? ""] as const)));
/** Literal words as one regex, factored by common prefixes (V8 does not, and scans a trie faster). */
function trie(words: readonly string[]): string {
  const byFirst = new Map<string, string[]>();
  let empty = false;
  for (const w of words) {
    if (w === "") empty = true;
    else byFirst.set(w[0]!, [...(byFirst.get(w[0]!) ?? []), w.slice(1)]);
  }
  const alts = [...byFirst].map(([c, rest]) => escape(c) + (rest.length === 1 ? escape(rest[0]!) : `(?:${trie(rest)})`));
  return empty ? `(?:${alts.join("|")})?` : alts.join("|");
}
/** Keywords grouped by the context their rule requires, each group a trie followed by its context. */
function scan(keys: string[]): RegExp {
  const byContext = new Map<string, string[]>();
  for (const k of keys) byContext.set(CONTEXT.get(k)!, [...(byContext.get(CONTEXT.get(k)!) ?? []), k]);
  return new RegExp([...byContext].map(([context, words]) => `(?:${trie(words)})${context}`).join("|"), "g");
}
const lower = (k: string) => k[0]! >= "a" && k[0]! <= "z";
/**
 * The keyword scan: where any keyword occurs (in its rule's context), as three global regexes
 * whose matches together are every keyword occurrence. V8 scans an alternation at a cost set by
 * how often a position passes its first chars: keywords starting with an upper-case letter or a
 * symbol are rare starts and scan fast together; lower-case ones ("key", "token", "ghp_") are
 * frequent starts and scan faster split in two than in one (about 2.3x faster on source code
 * overall than one regex of all keywords, and tries another 1.4-1.6x). Callers reset lastIndex.
 */
export const KEYWORD_SCANS: readonly RegExp[] = [
  KEYWORDS.filter((k) => !lower(k)),
  KEYWORDS.filter((k) => lower(k) && !CONTEXT.get(k)),
  KEYWORDS.filter((k) => lower(k) && CONTEXT.get(k)),
]
  .filter((keys) => keys.length > 0)
  .map(scan);
/** For a keyword found, the rules to try there: those with it or with a keyword it starts with. */
const BY_KEYWORD = new Map(KEYWORDS.map((k) => [k, RULES.filter((r) => r.keywords.some((rk) => k.startsWith(rk)))]));
export const rulesAt = (keyword: string): readonly Rule[] => BY_KEYWORD.get(keyword) ?? [];
/** Where a rule stands in RULES: the lower, the earlier it wins an overlap. */
export const PRIORITY = new Map(RULES.map((r, i) => [r.name, i]));

export const marker = (rule: string): string => `[MASKED:${rule}]`;
