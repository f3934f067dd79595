// What is not a secret although a rule's pattern matched it: placeholders and example values,
// references to a variable, paths, identifiers, and values too regular to be random. The token
// rules ask only `placeholder` and a loose `randomEnough`; the generic assignment rule, which sees
// every `key = value` in code and configs, asks `genericSecret`, which is much stricter.
//
// Change anything here and bump RULES_VERSION in rules.ts.

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
 * `your_token_here`, `<your-api-key>`, `changeme`, `xxxxx`, `****`, `...`, a char repeated 6+
 * times. Only whole words that a random token cannot plausibly contain (4-letter ones like
 * "fake" or "test" could, and sk_test_ is a real prefix).
 */
const PLACEHOLDER =
  /example|sample|dummy|placeholder|redacted|changeme|change[_-]me|replace[_-]?me|insert[_-]|^your|your[_-]|[_-]here$|x{5}|\*{3}|\.{3}|\u2026|<[^>]*>|\$\{|\{\{|(.)\1{5}/i;

export function placeholder(s: string): boolean {
  return PLACEHOLDER.test(s);
}

/** Not a placeholder and not too regular: the check for tokens already recognised by their prefix. */
export function randomEnough(s: string, minEntropy = 3): boolean {
  return !placeholder(s) && entropy(s) >= minEntropy;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
/** `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`, `{{ secrets.X }}`: a reference to a secret, not one. */
const REFERENCE = /^\$|\$[({]|\{\{|^%[A-Za-z_]+%$/;
/**
 * Relative and home paths (`./x`, `~/x`; absolute ones fail the randomness test), URLs (their
 * passwords are url_credentials' job), dates, versions.
 */
const NOT_A_VALUE = /^(?:\.{1,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/|\d{4}-\d\d-\d\d|v?\d+(?:\.\d+)+\b)/i;
/**
 * A name or member access, `X448PublicKey`, `process.env.API_KEY`, `win32api.RegOpenKeyEx`: each
 * name made of a few words (not `ya29.a0AfH6SM…`, whose names change class at every other char).
 */
const NAMES = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const names = (v: string) => NAMES.test(v) && v.split(".").every((name) => classChanges(name) <= Math.max(2, name.length / 4));
/** A file name: `auth-config2.json`. */
const FILE_NAME = /^[\w.@/-]+\.(?:[a-z]{1,4}|json|yaml|toml|html|conf)$/;

/** Names whose value is a password: shorter values are judged too. */
const PASSWORD_NAME = /pass|pwd|secret|credential/i;
/**
 * Names under which a hex string is a key (Django's SECRET_KEY, API_KEY, session_key) rather than
 * a digest or an id (cache_key, commit, sort_key, etag).
 */
const SECRET_NAME = /secret|pass|pwd|token|auth|credential|api|private|access|signing|encrypt|master|client|session|licen[cs]e/i;

/**
 * The value of an assignment to a secret-sounding name (`API_KEY=…`, `"client_secret": "…"`):
 * is it a secret? Yes when it is long enough, has letters and digits, is not a placeholder, a
 * reference, a path, a URL, a UUID (transcripts are full of them as session, request and tool ids;
 * a UUID-shaped key is left to vault values), a date, a version or a file name, and it is random:
 * hex of 16+ chars under a name that says secret (not a bare `key`: cache keys, digests), or enough
 * class changes (a3Xk9… rather than utf8mb4_unicode_ci) and entropy
 * near what a random string of that length has.
 */
export function genericSecret(value: string, name: string | (() => string)): boolean {
  const n = value.length;
  if (n < 8 || !/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false; // the cheap tests first
  if (typeof name === "function") name = name();
  if (n < (PASSWORD_NAME.test(name) ? 8 : 10)) return false;
  if (placeholder(value) || REFERENCE.test(value) || NOT_A_VALUE.test(value)) return false;
  if (UUID.test(value) || names(value) || FILE_NAME.test(value)) return false;
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

/**
 * Names whose value a person chose (a password) or was handed (a token, an API key): `password`,
 * `DB_PASSWORD`, `PGPASSWORD`, `client_secret`, `apiKey`, `--auth-token`, `mysql_pwd`. Not `PWD`
 * (the working directory), `max_tokens`, `token_type`, `password_hash`: the word must end the name.
 */
export function passwordName(name: string): boolean {
  if (name === "PWD") return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  const last = words[words.length - 1];
  if (last === undefined) return false;
  return last === "pwd" || last === "pass" || /(?:password|passwd|passphrase|secret|token|apikey|secretkey|accesskey)$/.test(words.join(""));
}

/** Values that stand in for a password: the name itself, literals of code and config, masks. */
const PASSWORD_PLACEHOLDER =
  /^(?:password|passwd|pass|pwd|secret|token|api[_-]?key|null|nil|none|undefined|true|false|yes|no|empty|string|str|text|test|testing|example|sample|dummy|redacted|masked|hidden|default|changeme|foo|bar|baz|foobar|x+|\*+|\.+|!\w+)$|^\[?MASKED\b/i;
/** A setting handed to a flag (`--secret ENV=vault/NAME`, `--secret id=x`), `next++`, a version range (`^1.0.0`). */
const SETTING = /^[A-Za-z_][\w.-]*=|^[\w$.]+(?:\+\+|--)$|^[\^~<>=]{1,2}v?\d+(?:\.[\dx*]+)*$/;
/** Words joined by `_ - . /` (`newPassword`, `work/DB_PASS`): a name or a path, unless a digit says otherwise. */
const WORDS = /^[\w$.\/-]+$/;
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
  if (placeholder(value) || PASSWORD_PLACEHOLDER.test(value) || PASSWORD_PLACEHOLDER.test(value.replace(/[^A-Za-z0-9]/g, ""))) return false;
  if (REFERENCE.test(value) || NOT_A_VALUE.test(value) || value.startsWith("/") || SETTING.test(value)) return false;
  return !UUID.test(value) && !FILE_NAME.test(value);
}

/** Passwords in documentation URLs: `user:password@`, `:pass@`, `:xxx@`, `:$DB_PASS@`. */
const URL_PLACEHOLDER = /^(?:pass(?:word)?|passwd|pwd|pw|secret|token|x+|\*+)$/i;

/** The password of `scheme://user:password@host`: anything but a placeholder or a reference. */
export function urlPassword(pw: string): boolean {
  return !placeholder(pw) && !REFERENCE.test(pw) && !URL_PLACEHOLDER.test(pw);
}
