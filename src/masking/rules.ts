// Token patterns masked in everything warden records: PTY output (bytes viewed as latin1, one char
// per byte, so non-UTF-8 output stays byte-exact around them) and imported transcript lines (JS
// strings, often whole JSON lines, where newlines inside strings are the two chars `\n`).
//
// Each rule names the keywords it can only match at: one scan of the text for all keywords
// (keyword-index.ts) finds where rules need trying at all, and each rule is tried only there, as a
// sticky match starting at the keyword. Text without keywords costs one native pass; text full
// of "key" and "token" (code) costs one cheap failed sticky match per occurrence.
//
// A match never crosses a `"` or a `\`, and never starts just after a `\`: replacing it in a JSON
// line keeps the line valid JSON (vault values aside; the sync engine re-masks the parsed value
// when a masked line no longer parses).
import { entropy, genericSecret, passwordValue, placeholder, published, randomEnough, urlPassword } from "./allowlist.js";
import { passwordName } from "./secret-names.js";
import { privateKey } from "./private-key.js";
import { keywordIndex } from "./keyword-index.js";
import { B, mixed, regexRule, type Rule } from "./rule-kit.js";
import { CLOUD_RULES } from "./families/cloud.js";
import { SERVICE_RULES } from "./families/services.js";
import { CONTEXT_RULES, kubernetesSecret, sessionCookies } from "./families/contexts.js";

export type { Rule, Span } from "./rule-kit.js";

/**
 * Recorded with every row masked by these rules; rows masked under an older version are rescanned
 * in the background. BUMP IT whenever any rule, keyword or allowlist (allowlist.ts,
 * private-key.ts, families/) changes. 1 was the first set of 7 rules; 3 added passwords (a lower
 * bar under password-like names, command-line flags) and tokens split by terminal escape
 * sequences; 4 the provider families (families/), every assignment form (contexts.ts), and what
 * the leading scanners leave alone (allowlist.ts).
 */
export const RULES_VERSION = 4;

/**
 * An assignment's whole name: the identifier chars before the keyword too (`GITHUB_` of
 * GITHUB_TOKEN), not the letter of a JSON escape before it (`\npublic_key` is public_key).
 */
function assignmentName(text: string, m: RegExpExecArray): string {
  let from = m.index;
  while (from > m.index - 40 && from > 0 && NAME_CHAR.test(text[from - 1]!) && !(text[from - 2] === "\\" && /[nrt]/.test(text[from - 1]!))) from--;
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
 * The rest of an assignment's name after its keyword, whole: never given back to try a shorter
 * name (what follows a name is the same whatever its length), so a failed try costs one pass.
 */
const NAME_REST = String.raw`[A-Za-z0-9_.-]{0,40}(?![A-Za-z0-9_.-])`;
/** Whitespace in XML, raw or JSON-escaped. */
const XML_SPACE = String.raw`(?:[ \t\r\n]|\\[nrt]){0,40}`;
/** `<value>` or `<value xsi:type="xsd:string">`: the element holding a property's value. */
const XML_VALUE = String.raw`<value(?:[ \t](?:[^<>"\\]|\\{0,7}"){0,160})?>`;
/** Calls that set a name to a value: `define(`, `System.setProperty(`, `os.Setenv(`, `headers.set(`, `map.put(`, `req.setHeader(`. */
const SETTER = String.raw`${B}(?:define|set|put|add|append|setdefault|setenv|putenv|setProperty|setHeader|addHeader|header)`;
/**
 * What follows an assignment's name (closing quotes included) up to its value, case-insensitive:
 * `=`, `: `, `:=`, `=>` (and Make's `?=`, `::=`, `:::=`, `+=`, PHP's `.=`), an opening quote, an
 * auth scheme; a declared type (Go `apiKey string = "`, TS/Kotlin `apiKey: string = "`, Rust
 * `key: &str = "`); a quoted name handed to a call with its value (`define('DB_PASSWORD', '`,
 * `System.setProperty("db.password", "`); a (user, password) pair (`auth=("admin", "`); XML (`<password>`, `<add key="ApiKey" value="`,
 * `<entry key="secret">`, `<name>…secret.key</name><value>`, `name="password"><value xsi:type="…">`).
 * The typed form comes first: `apiKey: string = "…"` is not `apiKey: string`.
 */
export const ASSIGNMENT_OPERATOR =
  String.raw`[\\"'\x60\]]{0,6}(?:` +
  [
    String.raw`[ \t]{0,4}:?[ \t]{1,4}[A-Za-z_&*\[][\w.&*\[\]]{0,40}[ \t]{0,4}=[ \t]{0,4}\\{0,7}["'\x60]`,
    String.raw`(?<=${SETTER}\([ \t]{0,4}\\{0,7}["'\x60][A-Za-z0-9_.-]{1,80}\\{0,7}["'\x60])[ \t]{0,4},[ \t]{0,4}\\{0,7}["'\x60]`,
    String.raw`(?<=["'])[ \t]{1,4}value[ \t]{0,2}=[ \t]{0,2}\\{0,7}["']`,
    String.raw`(?:(?<=<[A-Za-z0-9_.:-]{1,80})|(?<=["']))>(?:${XML_SPACE}${XML_VALUE})?`,
    String.raw`<\/[A-Za-z0-9_.:-]{1,40}>${XML_SPACE}${XML_VALUE}`,
    String.raw`[ \t]{0,4}[=:][ \t]{0,4}\([ \t]{0,4}\\{0,7}["'][^"'\\\r\n]{0,128}\\{0,7}["'][ \t]{0,4},[ \t]{0,4}\\{0,7}["']`,
    String.raw`[ \t]{0,4}(?:=>?|:{0,3}=|:|[?+.]=)[ \t]{0,4}(?:\\{0,7}["'\x60])?`,
  ].join("|") +
  String.raw`)(?:(?:bearer|basic|token)[ \t]+)?`;
/**
 * `API_KEY=`, `"client_secret": "`, `password: `, `export GITHUB_TOKEN=`, `Authorization: Bearer `,
 * `\"apiKey\":\"` (JSON in JSON): the name from its keyword on (what comes before it is kept
 * anyway), then its operator. Case-insensitive.
 */
export const ASSIGNMENT_KEEP = String.raw`(?:${ASSIGNMENT_WORDS.join("|")})${NAME_REST}${ASSIGNMENT_OPERATOR}`;
/**
 * What the scan requires after an assignment keyword: the name's rest and the start of an operator
 * (of any form above, loosely: a type's name before `=`, a `,` after a quote). One path, not an
 * alternative per form: it is tried at every "token" and "key" of a text.
 */
const ASSIGNMENT_CONTEXT = String.raw`(?=${NAME_REST}[\\"'\x60\]]{0,6}[ \t]{0,4}(?:[:=>]|[?+.]=|<\/|(?<=["'\x60][ \t]{0,4}),|[A-Za-z_&*\[][\w.&*\[\]]{0,40}[ \t]{0,4}=))`;
/** `GH_PAT=`, `gh_pat=`, `githubPat: `: a personal access token, `pat` ending the name (not `PATH`, `compat`). */
export const PAT_KEEP = String.raw`(?:_pat|(?<![A-Za-z0-9])PAT|(?<=[a-z0-9])Pat|(?<![A-Za-z0-9])Pat)${ASSIGNMENT_OPERATOR}`;
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
  const op = /[:=]/.exec(keep);
  if (op === null || xml(keep)) return "literal"; // an element's text: `<password>v<`, `<value>v<`
  const before = text[at + op.index - 1];
  return op[0] === "=" && before !== undefined && /[A-Za-z0-9_]/.test(before) && keep[op.index + 1] !== ">" ? "literal" : "code";
}

const base64url = (segment: string) => Buffer.from(segment, "base64url").toString("latin1");
const isJson = (text: string) => {
  try {
    return typeof JSON.parse(text) === "object";
  } catch {
    return false;
  }
};
/**
 * A JWT: signed, or unsigned with a header that says JWT (a JSON object naming its algorithm or
 * type). One whose header and claims decode is a token, not a placeholder, whatever it says; its
 * base64 is never searched for placeholder words (it spells them by chance: `duMmY`). Segments
 * that are not JSON (made-up tokens) are judged by their base64.
 */
function jwt(s: string): boolean {
  const [header, claims, signature] = s.split(".");
  const json = isJson(base64url(header!)) && isJson(base64url(claims!));
  // A token that decodes is masked whatever its claims say (`"iss": "https://auth.example.org"`,
  // `"env": "test"` are real tokens' claims); only a signature of one char repeated is a stand-in,
  // or jwt.io's published sample.
  if (json ? /(.)\1{5}/.test(signature ?? "") || published(s) : placeholder(s)) return false;
  return (signature?.length ?? 0) >= 10 || (json && /"(?:alg|typ)"\s*:/.test(base64url(header!)));
}
/** What base64 of a JWT decodes to (a newline after it, as `base64` of a file writes). */
const BASE64_JWT = /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\s*$/;

/** `Authorization: Basic <base64 of user:password>`, whatever the password looks like. */
function headerCredentials(s: string, keep: string): boolean {
  if (!/basic[ \t]+$/i.test(keep)) return false;
  const pair = /^[\x20-\x7e]{0,128}?:([\x20-\x7e]{1,256})$/.exec(Buffer.from(s, "base64").toString("latin1"));
  return pair !== null && urlPassword(pair[1]!);
}

/** The value is an XML element's text (`<password>`, `key="secret">`, `</name><value>`): it must end at a tag. */
const xml = (keep: string) => /<|[^=]>/.test(keep);

/**
 * An assignment's value under a secret-sounding name: a secret if it looks random, a password (a
 * lower bar) if the name says password or token; not a function called (`key = pbkdf2Sync(…)`),
 * and not an XML element's text that does not end at a tag.
 */
function assignment(s: string, m: RegExpExecArray, text: string): boolean | string {
  const end = m.index + m[0].length;
  if (text[end] === "(" || (xml(m[1]!) && text[end] !== "<")) return false;
  if (genericSecret(s, () => assignmentName(text, m))) return true;
  // The second of a (user, password) pair: `auth=("admin", "…")`.
  if (m[1]!.includes("(")) return passwordValue(s, "quoted") ? "password" : false;
  // An HTTP header's credentials (`Authorization: Basic …`, `Proxy-Authorization: Bearer …`) are one whatever they look like.
  if (/authorization$/i.test(assignmentName(text, m))) return headerCredentials(s, m[1]!) || passwordValue(s, assignmentForm(m[1]!, text, m.index));
  return passwordValue(s, assignmentForm(m[1]!, text, m.index)) && passwordName(assignmentName(text, m)) ? "password" : false;
}
const ASSIGNMENT = (keep: string) => String.raw`(${keep})(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`;

/**
 * Order matters where matches overlap: the earlier rule wins (the specific before the generic).
 * Every repetition is bounded: a rule is tried at each keyword, and an unbounded one would make
 * text like "sk-a-sk-a-sk-a…" quadratic.
 */
export const RULES: readonly Rule[] = [
  privateKey,
  regexRule(
    "aws_access_key",
    AWS,
    String.raw`${B}(?:A3T[A-Z0-9]|${AWS.slice(0, -1).join("|")})[A-Z0-9]{16}(?![A-Za-z0-9])`,
    (s) => randomEnough(s.slice(4), 2.5),
    { family: "AWS" },
  ),
  regexRule(
    "github",
    ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    String.raw`${B}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})`,
    (s) => randomEnough(s),
    { family: "GitHub" },
  ),
  regexRule(
    "gitlab",
    GITLAB,
    String.raw`${B}(?:gl(?:pat|dt|rt|ptt|ft|imt|agent|soat|cbt|oas|ffct)-[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,64}){0,2}|GR1348941[A-Za-z0-9_-]{20,300})`,
    (s) => randomEnough(s),
    { family: "GitLab" },
  ),
  // The webhook's path is the secret: the host stays readable.
  regexRule(
    "slack_webhook",
    ["hooks.slack.com"],
    String.raw`(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_]{6,64}(?:\/[A-Za-z0-9_-]{4,64}){1,4}`,
    (s) => randomEnough(s),
    { family: "Slack", keep: true, prefix: true },
  ),
  // Bot, user, app-level (xapp-1-…), legacy workspace (xoxa-, xoxr-), legacy (xoxs-, and xoxo-
  // in its own shape only: `2018-250-xoxo-indieweb` is a file name) and config tokens.
  regexRule(
    "slack",
    ["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxe", "xapp-"],
    String.raw`${B}(?:(?:xox[abprs]-|xoxe\.xox[bp]-|xoxe-|xapp-)[A-Za-z0-9-]{10,300}|xoxo-[0-9]{6,16}-[0-9]{6,16}-[0-9]{6,16}-[A-Za-z0-9]{16,64})`,
    (s) => /[0-9]/.test(s) && randomEnough(s, 2.5),
    { family: "Slack" },
  ),
  regexRule("anthropic", ["sk-"], String.raw`${B}sk-ant-[A-Za-z0-9_-]{20,300}`, (s) => randomEnough(s), { family: "Anthropic" }),
  // sk-, sk-proj-, sk-svcacct-, sk-admin-; a key with the T3BlbkFJ marker whatever it looks like.
  regexRule(
    "openai",
    ["sk-"],
    String.raw`${B}sk-(?!ant-)(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,400}`,
    (s) => !placeholder(s) && (s.includes("T3BlbkFJ") || (mixed(s) && entropy(s) >= 3.5)),
    { family: "OpenAI" },
  ),
  // Test-mode keys too (sk_test_, rk_test_): they are credentials to an account's test data.
  regexRule(
    "stripe",
    ["sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_"],
    String.raw`${B}(?:[sr]k_(?:live|test)_[A-Za-z0-9]{20,255}|whsec_[A-Za-z0-9+/=]{24,255})`,
    (s) => randomEnough(s),
    { family: "Stripe" },
  ),
  regexRule("google_api_key", ["AIza"], String.raw`${B}AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`, (s) => randomEnough(s), { family: "Google Cloud" }),
  regexRule("npm", ["npm_"], String.raw`${B}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, (s) => randomEnough(s), { family: "npm" }),
  // Macaroons whose first caveat names pypi.org or test.pypi.org.
  regexRule("pypi", ["pypi-AgE"], String.raw`${B}pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}`, (s) => randomEnough(s), {
    family: "PyPI",
  }),
  regexRule("huggingface", ["hf_"], String.raw`${B}hf_[A-Za-z0-9]{34,80}`, (s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && randomEnough(s, 3.5), {
    family: "Hugging Face",
  }),
  regexRule("sendgrid", ["SG."], String.raw`${B}SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => randomEnough(s), { family: "SendGrid" }),
  ...CLOUD_RULES,
  ...SERVICE_RULES,
  // `kind` only where a `:` follows (the assignment words' context): most occurrences are prose.
  { ...kubernetesSecret, keywordContext: ASSIGNMENT_CONTEXT },
  // Signed, or unsigned (`alg: none`: an empty or missing third part) when its header says JWT.
  regexRule("jwt", ["eyJ"], String.raw`${B}eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,16384}(?:\.[A-Za-z0-9_-]{10,4096}|\.?(?![A-Za-z0-9_.-]))`, jwt, {
    family: "JSON Web Tokens",
  }),
  // A JWT in base64 (a Kubernetes secret's data, a config blob): `ZXlK` is base64 of `eyJ`.
  regexRule(
    "jwt",
    ["ZXlK"],
    String.raw`${B}ZXlK[A-Za-z0-9+/]{28,16384}={0,2}(?![A-Za-z0-9+/=])`,
    (s) => ((t) => BASE64_JWT.test(t) && jwt(t.trim()))(Buffer.from(s, "base64").toString("latin1")),
    { family: "JSON Web Tokens" },
  ),
  // scheme://user:password@host: only the password is masked.
  regexRule("url_credentials", ["://"], String.raw`(?<=[A-Za-z0-9])(${URL_KEEP})${URL_PASSWORD}{1,256}(?=@[A-Za-z0-9\[._-])`, (s) => urlPassword(s), {
    family: "Credentials in a URL",
    keep: true,
  }),
  // name = value, name: value, "name": "value" where the name sounds secret and the value looks
  // random (and is not a function called: `key = pbkdf2Sync(…)`). A value is read whole, at most
  // 1024 chars (longer runs are blobs, not values; the bound keeps "key:key:key…" linear).
  // A person's password (or a token handed over) under a password-like name is judged by a lower
  // bar: `DB_PASSWORD="…"`, `"password": "…"`, `password: …`, `?token=…&` (one regex for both).
  regexRule("generic_secret", ASSIGNMENT_WORDS.flatMap(cased), ASSIGNMENT(ASSIGNMENT_KEEP), assignment, {
    family: "Secret-looking assignments",
    keep: true,
    flags: "i",
    keywordContext: ASSIGNMENT_CONTEXT,
  }),
  // `GH_PAT=…`, `githubPat: "…"`: a word of its own (`pat` would cost a try at each `PATH=`, `compat`),
  // where an assignment follows.
  regexRule("generic_secret", ["PAT", "Pat", "_pat"], ASSIGNMENT(PAT_KEEP), assignment, {
    family: "Secret-looking assignments",
    keep: true,
    keywordContext: ASSIGNMENT_CONTEXT,
  }),
  // On a command line: `--password X`, `--api-key "X"` (`--password=X` is an assignment).
  regexRule(
    "password",
    ["--"],
    String.raw`(--${PASSWORD_FLAG}[ \t]{1,4}(?:\\{0,7}["'])?)(?!-)(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`,
    (s, m) => passwordValue(s, quoted(m[1]!) ? "quoted" : "literal"),
    { family: "Passwords", keep: true, flags: "i", keywordContext: String.raw`(?=[A-Za-z0-9-]{2,40}[ \t])` },
  ),
  ...CONTEXT_RULES,
  { ...sessionCookies, keywordContext: ASSIGNMENT_CONTEXT },
  // `mysql -u root -pX` (or `-p X`), `sshpass -p X ssh …`: -p is the password only for these.
  regexRule(
    "password",
    ["-p"],
    String.raw`(?<=${PASSWORD_COMMAND_ARGS})(-p[ \t]{0,4}(?:\\{0,7}["'])?)(?!-)(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`,
    (s, m) => passwordValue(s, quoted(m[1]!) ? "quoted" : "literal"),
    { family: "Passwords", keep: true },
  ),
];

/** The index of RULES, what every text is searched with. */
export const RULE_INDEX = keywordIndex(RULES);
/** Where a rule stands in RULES: the lower, the earlier it wins an overlap. */
export const PRIORITY = new Map(RULES.map((r, i) => [r.name, i]));

export const marker = (rule: string): string => `[MASKED:${rule}]`;
