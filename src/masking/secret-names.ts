// Whether a name names a secret: `API_KEY`, `client_secret`, `PGPASSWORD` do; `author`,
// `public_key`, `cache_key`, `key_id`, `max_tokens` do not. The generic assignment rule and the
// password contexts ask this before they judge a value (allowlist.ts).
//
// Change anything here and bump RULES_VERSION in rules.ts.

/** Names whose value is a password: shorter values are judged too. */
export const PASSWORD_NAME = /pass|pwd|secret|credential/i;
/**
 * Names under which a hex string is a key (Django's SECRET_KEY, API_KEY, session_key) rather than
 * a digest or an id (cache_key, commit, sort_key, etag).
 */
export const SECRET_NAME = /secret|pass|pwd|token|auth|credential|api|private|access|signing|encrypt|master|client|session|licen[cs]e/i;

/** A name's words, lower-case: `X-CSRF-Token` x csrf token, `APIKey` api key, `PGPASSWORD` pgpassword. */
const nameWords = (name: string) => (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
const SECRET_WORD = /key|token|secret|pass|pwd|auth|credential|creds/;
/** A secret word, or a personal access token's `pat` as a word of its own (not path, pattern, compat). */
const isSecretWord = (w: string) => (SECRET_WORD.test(w) && !OTHER_WORD.test(w)) || w === "pat" || w === "pats";
/** Words holding a secret word that mean something else. */
const OTHER_WORD =
  /^(?:authors?|authored|authoring|authorship|authorit(?:y|ies)|tokeni[sz]\w*|jsonwebtoken|keyboards?|keywords?|keyframes?|keystrokes?|keypad|keynote|keystone|keyup|keydown|keypress|keycode|monkeys?|donkeys?|turkeys?|hockey|whiskey|jockeys?|hotkeys?|compass|bypass\w*|passengers?|passages?|passive\w*|passthrough|passports?|surpass\w*|trespass\w*)$/;
/** Words before `key` or `token` that make it public or no credential: public_key, primaryKey, cache_key, csrf_token, nextPageToken. */
const NOT_SECRET_BEFORE = new Set(
  (
    "public pub publishable site anon primary foreign sort partition range row cache idempotency dedup dedupe routing shard lookup index idx natural " +
    "schema sequence bucket object csrf xsrf page next continuation pagination cancellation hot"
  ).split(" "),
);
/** The word right after it, when it makes the value about the secret: key_id, credentialId, token_sha256, auth_url, password_hash, key_down. */
const NOT_SECRET_AFTER = new Set(
  (
    "id ids kid uuid guid arn name names alias label type kind length len size bits count hash hashed checksum digest sha md crc etag integrity " +
    "fingerprint version ver url uri urls endpoint host path file filename dir location expiry expires expiration exp ttl created updated issued " +
    "timestamp date time format algorithm alg usage status event press pressed up down left right board frame selector store vault limit scope " +
    "scopes policy rotation"
  ).split(" "),
);

/** Last words that make any name an id's, a digest's or an address's: auth_request_id, token_cache_url. */
const LAST_NOT_SECRET = /^(?:ids?|kid|uuid|guid|arn|urls?|uri|endpoint|hash|checksum|digest|etag|fingerprint)$/;

/**
 * Does a name with a secret word in it name a secret? Not when the word means something else
 * (author, tokenizer, monkey); not when a word before it makes a key or token public, a row's, a
 * cache's or a page's (public_key, pubkey, primaryKey, cache_key, csrf_token, nextPageToken); not
 * when the word after it, or the last word if an id's, says the value is about the secret (key_id,
 * credentialId, signing_key_kid, token_sha256, auth_url, password_hash, auth_request_id), Vault's
 * secret_id aside. An AWS access key id is still masked by its own rule: a name alone never makes
 * an id a secret.
 */
export function secretName(name: string): boolean {
  const words = nameWords(name);
  let i = words.length - 1;
  while (i >= 0 && !isSecretWord(words[i]!)) i--;
  if (i < 0) return false;
  const word = words[i]!;
  if (/^pub(?:lic)?keys?$/.test(word) || (i > 0 && /^(?:key|token)s?$/.test(word) && NOT_SECRET_BEFORE.has(words[i - 1]!))) return false;
  const after = words[i + 1];
  if (after === undefined || (word === "secret" && /^ids?$/.test(after))) return true;
  return !NOT_SECRET_AFTER.has(after) && !LAST_NOT_SECRET.test(words[words.length - 1]!);
}

/**
 * Names whose value a person chose (a password) or was handed (a token, an API key): `password`,
 * `DB_PASSWORD`, `PGPASSWORD`, `client_secret`, `apiKey`, `--auth-token`, `mysql_pwd`. Not `PWD`
 * (the working directory), `max_tokens`, `token_type`, `password_hash`: the word must end the name.
 */
export function passwordName(name: string): boolean {
  if (name === "PWD" || !secretName(name)) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  const last = words[words.length - 1];
  if (last === undefined) return false;
  return last === "pwd" || last === "pass" || /(?:password|passwd|passphrase|secret|token|apikey|secretkey|accesskey)$/.test(words.join(""));
}
