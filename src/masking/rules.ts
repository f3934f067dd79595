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
import { entropy, passwordValue, placeholder, published, randomEnough, urlPassword } from "./allowlist.js";
import {
  ASSIGNMENT,
  ASSIGNMENT_CONTEXT,
  ASSIGNMENT_KEEP,
  ASSIGNMENT_VALUE,
  ASSIGNMENT_WORDS,
  assignment,
  cased,
  PASSWORD_COMMAND_ARGS,
  PASSWORD_FLAG,
  PAT_KEEP,
  quoted,
  URL_KEEP,
  URL_PASSWORD,
} from "./assignments.js";
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

const AWS = ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "A3T"];
const GITLAB = ["glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glagent-", "glsoat-", "glcbt-", "gloas-", "glffct-", "GR1348941"];

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
