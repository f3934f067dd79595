// What is not a secret although a rule's pattern matched it: placeholders and example values,
// references to a variable, paths, identifiers, and values too regular to be random. The token
// rules ask only `placeholder` and a loose `randomEnough`; the generic assignment rule, which sees
// every `key = value` in code and configs, asks `genericSecret`, which is much stricter.
//
// Whether a name names a secret is secret-names.ts.
// Change anything here and bump RULES_VERSION in rules.ts.
import { PASSWORD_NAME, SECRET_NAME, secretName } from "./secret-names.js";

/** Shannon entropy in bits per char. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Placeholder and example values (case-insensitive): AWS's documented AKIAIOSFODNN7EXAMPLE,
 * `your_token_here`, `<your-api-key>`, `changeme`, `xxxxx`, `XXXX-XXXX`, `****`, `####`, `...`, a
 * char repeated 6+ times, a value already masked (`[MASKED:openai]`: masking twice changes
 * nothing). Only whole words that a random token cannot plausibly contain (4-letter ones like
 * "fake" or "test" could, and sk_test_ is a real prefix).
 */
const PLACEHOLDER =
  /example|sample|dummy|placeholder|redacted|changeme|change[_-]me|replace[_-]?me|insert[_-]|^your|your[_-]|[_-]here$|x{5}|x{3,4}[-_.:]x{3,4}|\*{3}|#{4}|\.{3}|\u2026|<[^>]*>|\$\{|\{\{|(.)\1{5}|\[masked:/i;
/**
 * The same in camelCase or capitals, case-sensitive: `PasteYourTokenHere123`, `YourApiKeyHere`,
 * `InsertYourKey2Here`, `RANDOMSTRINGHERE` (a random token ends in "Here", or holds "Your" and a
 * capitalised word, about once in 10^7).
 */
const CAMEL_PLACEHOLDER = /[a-z0-9]Here\d{0,4}$|(?:^|[a-z])Your[A-Z][a-z]|(?:TOKEN|KEY|SECRET|STRING|VALUE|PASSWORD)_?HERE\d{0,4}$/;
/**
 * Example keys published in providers' docs, exactly (the "EXAMPLE" shape of AWS's is caught above):
 * Stripe's test keys from its API reference, GitHub's sample of its token format, Slack's bot token
 * from its docs, jwt.io's sample token, the Google API keys of the Firebase Android SDK's test
 * configs and Yarn's public Algolia search key (both allowlisted by gitleaks too, MIT). Written in
 * parts so that no scanner takes this file for a leak.
 */
const PUBLISHED = new Set([
  "sk" + "_test_" + "4eC39HqLyjWDarjtT1zdp7dc",
  "pk" + "_test_" + "TYooMQauvdEDq54NiTphI7jx",
  "sk" + "_test_" + "BQokikJOvBiI2HlWgH4olfQ2",
  "pk" + "_test_" + "6pRNASCoBOKtIshFeQd4XMUh",
  "gh" + "p_" + "16C7e42F292c6912E7710c838347Ae178B4a",
  "xo" + "xb-" + "17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" +
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  "AI" + "za" + "Syabcdefghijklmnopqrstuvwxyz1234567",
  "AI" + "za" + "SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
  "AI" + "za" + "SyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
  "AI" + "za" + "SyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
  "AI" + "za" + "SyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
  "AI" + "za" + "yDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
  "AI" + "za" + "SyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
  "AI" + "za" + "SyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
  "AI" + "za" + "SyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
  "AI" + "za" + "SyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
  "AI" + "za" + "SyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
  "AI" + "za" + "SyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
  "AI" + "za" + "SyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
  "AI" + "za" + "SyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
  "AI" + "za" + "SyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
  "AI" + "za" + "SyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
  "6fe4476ee5a1" + "832882e326b506d14126",
]);
/** One of the example keys providers publish in their docs (PUBLISHED). */
export const published = (s: string): boolean => PUBLISHED.has(s);

export function placeholder(s: string): boolean {
  return PLACEHOLDER.test(s) || CAMEL_PLACEHOLDER.test(s) || PUBLISHED.has(s);
}

/**
 * Not a placeholder, not words (a selector `hf_requestAuthorizationWith…`, a variable
 * `ghp_personalAccessTokenValidationResult`), and not too regular: the check for tokens already
 * recognised by their prefix. Words are judged after the prefix (`hf_`, `sk_test_`), and only in
 * bodies of 30 chars or more, where a random body passes for words less than once in a million.
 */
export function randomEnough(s: string, minEntropy = 3): boolean {
  if (placeholder(s) || entropy(s) < minEntropy) return false;
  const body = s.replace(TOKEN_PREFIX, "");
  return body.length < 30 || !wordLike(body);
}
const TOKEN_PREFIX = /^[A-Za-z0-9]{1,12}[_-]/;

/**
 * Common English letter pairs (about the 250 most frequent): words in code are made of them, a
 * random string only in part (about a third of its pairs).
 */
const COMMON_PAIRS = new Set(
  (
    "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur " +
    "ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir " +
    "su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu " +
    "rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm " +
    "fu ph og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo rf"
  ).split(" "),
);

/**
 * Words as code writes them, not random chars: `requestAuthorizationWithCompletionHandler`,
 * `token-rotation-handler-for-workspace2`, `config.apiKeyForEnv2`, `API_TOKEN_V2`. Cut at `_ - . $`,
 * digits and camelCase humps: at least two words, of 3.5 letters on average, none longer than 15,
 * at most one acronym (`URL`) or lone letter, at most two short runs of digits, and 80% of the
 * letter pairs inside words common in English.
 */
export function wordLike(s: string): boolean {
  if (/[^A-Za-z0-9_.$-]/.test(s)) return false;
  let digitRuns = 0;
  let words = 0;
  let letters = 0;
  let pairs = 0;
  let common = 0;
  let odd = 0;
  for (const run of s.match(/[0-9]+|[A-Za-z]+/g) ?? []) {
    if (run.charCodeAt(0) <= 57) {
      if (run.length > 4 || ++digitRuns > 2) return false;
      continue;
    }
    const humps = /^[A-Z]+$/.test(run) ? [run] : run.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g)!;
    for (const w of humps) {
      words++;
      letters += w.length;
      if (w.length < 2 || (w !== run && /^[A-Z]+$/.test(w))) {
        if (++odd > 1 || w.length > 5) return false;
        continue;
      }
      if (w.length > 15) return false;
      const lower = w.toLowerCase();
      for (let i = 1; i < lower.length; i++) {
        pairs++;
        if (COMMON_PAIRS.has(lower.slice(i - 1, i + 1))) common++;
      }
    }
  }
  return words >= 2 && letters >= 8 && letters >= 3.5 * words && common >= 0.8 * pairs;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
/**
 * `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`, `{{ secrets.X }}`, `process.env.X`, `import.meta.env.X`,
 * `os.environ.X`: a reference to a secret, not one.
 */
const REFERENCE = /^\$|\$[({]|\{\{|^%[A-Za-z_][A-Za-z0-9_]*%$|^(?:process\.env|import\.meta\.env|os\.environ)\./;
/**
 * Relative, home and drive paths (`./x`, `~/x`, `C:/x`; absolute ones fail the randomness test),
 * URLs (their passwords are url_credentials' job), dates, versions, digests that say their
 * algorithm (`sha256:…`, SRI's `sha512-…`, `SHA256:…` and `43:51:…:a8` key fingerprints).
 */
const NOT_A_VALUE =
  /^(?:\.{1,2}\/|~\/|[a-z]:\/|[a-z][a-z0-9+.-]*:\/\/|\d{4}-\d\d-\d\d|v?\d+(?:\.\d+)+\b|(?:sha(?:1|224|256|384|512)|sha3-\d{3}|md5|blake2[bs]?|crc32)[:-]|(?:[0-9a-f]{2}:){15,}[0-9a-f]{2}$)/i;
/**
 * Addresses (lower-case hosts with a dot, or localhost): `host:port` (`db.internal:5432`,
 * `10.0.3.17:8443`; not `admin:1234`, which may be credentials), `user@host`
 * (`ops@company.io`), `git@host:path`.
 */
const ADDRESS =
  /^(?:(?:(?:[a-z0-9-]{1,63}\.){1,8}[a-z0-9-]{1,63}|localhost):\d{2,5}(?:\/|$)|[\w.+-]{1,64}@(?:[a-z0-9-]{1,63}\.){0,8}[a-z0-9-]{1,63}(?:\.[a-z]{2,24}|:[\w./~-]{1,200})$)/;
/**
 * A name or member access, `X448PublicKey`, `process.env.API_KEY`, `win32api.RegOpenKeyEx`: each
 * name made of a few words (not `ya29.a0AfH6SM…`, whose names change class at every other char).
 */
const NAMES = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const names = (v: string) => NAMES.test(v) && v.split(".").every((name) => classChanges(name) <= Math.max(2, name.length / 4));
/** A file name: `auth-config2.json`. */
const FILE_NAME = /^[\w.@/-]+\.(?:[a-z]{1,4}|json|yaml|toml|html|conf)$/;

/**
 * The value of an assignment to a secret-sounding name (`API_KEY=…`, `"client_secret": "…"`):
 * is it a secret? Yes when it is long enough, has letters and digits, is not a placeholder, a
 * reference, a path, a URL, a UUID (transcripts are full of them as session, request and tool ids;
 * a UUID-shaped key is left to vault values), a date, a version, a digest, an address, a file name
 * or words (`config.apiKeyForEnv2`), its name names a secret (secretName), and it is random:
 * hex of 16+ chars under a name that says secret (not a bare `key`: cache keys, digests), or enough
 * class changes (a3Xk9… rather than utf8mb4_unicode_ci) and entropy
 * near what a random string of that length has.
 */
export function genericSecret(value: string, name: string | (() => string)): boolean {
  const n = value.length;
  if (n < 8 || !/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false; // the cheap tests first
  if (typeof name === "function") name = name();
  if (n < (PASSWORD_NAME.test(name) ? 8 : 10)) return false;
  if (!secretName(name)) return false;
  if (placeholder(value) || REFERENCE.test(value) || NOT_A_VALUE.test(value) || ADDRESS.test(value)) return false;
  if (UUID.test(value) || names(value) || FILE_NAME.test(value) || (n >= 20 && wordLike(value))) return false;
  const h = entropy(value);
  if (HEX.test(value)) return n >= 16 && h >= 3 && SECRET_NAME.test(name);
  if (classChanges(value) < n / 5) return false;
  return h >= Math.min(3.8, 0.85 * Math.log2(n));
}

/**
 * How often consecutive letters and digits change class (lower, upper, digit), Upper→lower not
 * counted (Capitalised words); other chars are skipped, so separators in paths and snake_case
 * count nothing. Random strings change class at about half their chars, words and names rarely.
 */
export function classChanges(s: string): number {
  let changes = 0;
  let prev = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const cls = c >= 97 && c <= 122 ? 0 : c >= 65 && c <= 90 ? 1 : c >= 48 && c <= 57 ? 2 : -1;
    if (cls < 0) continue;
    if (prev >= 0 && cls !== prev && !(prev === 1 && cls === 0)) changes++;
    prev = cls;
  }
  return changes;
}

/** Values that stand in for a password: the name itself, literals of code and config, masks. */
const PASSWORD_PLACEHOLDER =
  /^(?:password|passwd|pass|pwd|secret|token|api[_-]?key|null|nil|none|undefined|true|false|yes|no|empty|string|str|text|test|testing|example|sample|dummy|redacted|masked|hidden|default|changeme|foo|bar|baz|foobar|x+|\*+|\.+|!\w+)$|^\[?MASKED\b/i;
/** Placeholder words with a number: `test123`, `Test1234`, `changeme2`, `dummy_1`. */
const NUMBERED_PLACEHOLDER = /^(?:test|testing|testpass|testpassword|dummy|example|sample|demo|fake|mock|foo|foobar|changeme|placeholder)[_-]?\d{1,4}$/i;
/** A setting handed to a flag (`--secret ENV=vault/NAME`, `--secret id=x`), `next++`, a version range (`^1.0.0`). */
const SETTING = /^[A-Za-z_][\w.-]*=|^[\w$.]+(?:\+\+|--)$|^[\^~<>=]{1,2}v?\d+(?:\.[\dx*]+)*$/;
/** Words joined by `_ - . /` (`newPassword`, `work/DB_PASS`): a name or a path, unless a digit says otherwise. */
const WORDS = /^[\w$./-]+$/;
/** An identifier or a member access: code (`password = user.password`), unless a digit says otherwise. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
/**
 * A type name: `Uint8Array`, `X25519Secret`, `Sha256Digest`, `Base64String`: capitalised words,
 * digits only as bit sizes and algorithm numbers (`Summer2024`, `Welcome1` are passwords).
 */
const TYPE_NAME = /^(?:[A-Z][a-z]*(?:8|16|32|64|128|256|384|512|25519|448|5)?)+$/;

/**
 * The value of an assignment to a password-like name, in the form it was written: `quoted`
 * (`"password": "v"`), `literal` (`KEY=v`, `--password v`, `-pv`: shell, env, URL query) or `code`
 * (`password: v`, `password = v`: a literal in YAML, but a type or a variable in code). A person's
 * password is not random, so the bar is low: 6 chars or more, not one class of chars alone
 * (lower, upper, digits, symbols; `_ - .` count as none), and not a placeholder, a reference, a
 * path, a URL, a date, a version or a `name=…` setting. Words (an identifier, `work/DB_PASS`)
 * need a digit (`hunter2`; not `newPassword`), a member access quotes (not `cfg.password2`), and
 * in code a type name is not a password.
 */
export function passwordValue(value: string, form: "quoted" | "literal" | "code"): boolean {
  if (value.length < 6) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^A-Za-z0-9_.-]/.test(value)) classes++;
  if (classes < 2) return false;
  const digit = /[0-9]/.test(value);
  if (!digit && WORDS.test(value)) return false;
  if (IDENTIFIER.test(value)) {
    if (value.includes(".") && form !== "quoted") return false;
    if (form === "code" && TYPE_NAME.test(value)) return false;
  }
  if (
    placeholder(value) ||
    PASSWORD_PLACEHOLDER.test(value) ||
    PASSWORD_PLACEHOLDER.test(value.replace(/[^A-Za-z0-9]/g, "")) ||
    NUMBERED_PLACEHOLDER.test(value)
  )
    return false;
  if (REFERENCE.test(value) || NOT_A_VALUE.test(value) || ADDRESS.test(value) || value.startsWith("/") || SETTING.test(value)) return false;
  return !UUID.test(value) && !FILE_NAME.test(value);
}

/** Passwords in documentation URLs: `user:password@`, `:pass@`, `:xxx@`, `:$DB_PASS@`. */
const URL_PLACEHOLDER = /^(?:pass(?:word)?|passwd|pwd|pw|secret|token|x+|\*+)$/i;

/** The password of `scheme://user:password@host`: anything but a placeholder or a reference. */
export function urlPassword(pw: string): boolean {
  return !placeholder(pw) && !REFERENCE.test(pw) && !URL_PLACEHOLDER.test(pw);
}
