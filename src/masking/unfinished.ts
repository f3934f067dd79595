// For the streaming masker: where a secret may have started at the end of what arrived so far and
// not be finished yet, so it is held back until it completes (or the hold times out) instead of
// going out in pieces. Only the secret's own chars need holding: what comes before it (a token's
// public prefix, `API_KEY=`, `scheme://user:`) may go out, since matches are searched over a
// lookbehind of emitted text and the secret's rest is still masked.
import { CURL_USER_KEEP, DOCKER_ENV_KEEP, openSecretBlock, SESSION_COOKIE_KEEP } from "./families/contexts.js";
import { ASSIGNMENT_KEEP, ASSIGNMENT_VALUE, PASSWORD_COMMAND, PASSWORD_FLAG, PAT_KEEP, URL_KEEP, URL_PASSWORD } from "./assignments.js";
import { RULES } from "./rules.js";

const escapeRegex = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/**
 * `%`: tokens in a URL query are URL-encoded (a SAS signature's %2B, %2F, %3D); `~`: Azure's
 * client secrets; `@`: a Teams webhook's path (<group>@<tenant>/...); `$`: Braintree's tokens.
 */
const TOKEN_CHARS = String.raw`[A-Za-z0-9_\-./+=%~@$]`;
/** The prefix tokens' keywords: each followed by token chars to the end, or 3+ of its first chars at the very end. */
const PREFIXES = RULES.filter((r) => r.prefix && r.name !== "private_key").flatMap((r) => r.keywords);
const PARTIALS = [...new Set(PREFIXES.flatMap((p) => Array.from({ length: Math.max(0, p.length - 3) }, (_, i) => p.slice(0, 3 + i))))];
/** A key block's header still arriving: `---`, `-----BEG`, `-----BEGIN RSA PRIV`. */
const KEY_HEADER_START = String.raw`(?<![A-Za-z0-9-])-{3,5}|-----B[A-Z]{0,4}|-----BEGIN [A-Z0-9 ]{0,60}-{0,4}`;
/** Tokens whose secret comes before their keyword, still arriving (Rule.partial). */
const BEFORE_KEYWORD = RULES.flatMap((r) => (r.partial ? [r.partial] : []));
const UNFINISHED_TOKEN = new RegExp(
  `(?:(?:${PREFIXES.map(escapeRegex).join("|")})${TOKEN_CHARS}*|${[...PARTIALS.map(escapeRegex), ...BEFORE_KEYWORD].join("|")}|${KEY_HEADER_START})$`,
);
/**
 * An assignment (`API_KEY=abc…`, `GH_PAT=abc…`), a URL password (`://user:pa…`), a password flag
 * (`--token ab…`, `mysql -pab…`, `curl -u user:ab…`), a Dockerfile's `ENV API_KEY ab…`, a session
 * cookie (`sessionid=ab…`) whose value runs to the end: the one group that matched.
 */
const UNFINISHED_VALUE = new RegExp(
  String.raw`(?:${[
    `${ASSIGNMENT_KEEP}(${ASSIGNMENT_VALUE}+)`,
    `${PAT_KEEP}(${ASSIGNMENT_VALUE}+)`,
    `${URL_KEEP}(${URL_PASSWORD}+)`,
    String.raw`--${PASSWORD_FLAG}[ \t]{1,4}(?:\\{0,7}["'])?(?!-)(${ASSIGNMENT_VALUE}+)`,
    `${PASSWORD_COMMAND}(?!-)(${ASSIGNMENT_VALUE}+)`,
    `${CURL_USER_KEEP}(${ASSIGNMENT_VALUE}+)`,
    `${DOCKER_ENV_KEEP.replace("([A-Za-z0-9_]", "(?:[A-Za-z0-9_]")}(${ASSIGNMENT_VALUE}+)`,
    String.raw`${SESSION_COOKIE_KEEP}([^;\s"\\,]+)`,
  ].join("|")})$`,
  "i",
);
const KEY_HEADER = /^-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
/** What follows a header while the block is still arriving: base64 lines, `Proc-Type: 4,ENCRYPTED` headers. */
const KEY_BODY = /^[A-Za-z0-9+/=\s,:-]*(?:-----END [A-Z0-9 ]{0,60}-{0,4})?$/;
const KEY_FOOTER = /^-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
/** Chars a trailing token or value is made of: walked back over to find where to look. */
const RUN_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./+=~!@#$%^&*?:|") RUN_CHAR[c.charCodeAt(0)] = 1;
/** How far back into emitted text a trailing run is followed. */
const MAX_EMITTED_RUN = 256;
/** Covers what precedes a token or value and is not run chars (`"client_secret": "`, `Bearer `). */
const PREFIX_SLACK = 96;

/**
 * Where text that may still become a secret begins, from `from` on (-1: nowhere): a private key
 * block not yet closed, a token's prefix followed by token chars to the very end, or the value of
 * a secret-sounding assignment or of a URL's password running to the end, a Kubernetes Secret's
 * `data:` block still open.
 */
export function unfinishedStart(text: string, from: number): number {
  // The last header, found by indexOf: V8's lastIndexOf walks the whole text char by char (60x slower on 64 KiB).
  let key = -1;
  for (let i = text.indexOf("-----BEGIN "); i >= 0; i = text.indexOf("-----BEGIN ", i + 1)) key = i;
  if (key >= 0) {
    const header = KEY_HEADER.exec(text.slice(key, key + 100));
    const end = text.indexOf("-----END ", key);
    const ended = end >= 0 && KEY_FOOTER.test(text.slice(end, end + 100));
    // A header already emitted (its hold timed out): the body arriving after it is held while
    // nothing but body has followed it (the block may have been cut short: `head -3 id_rsa`).
    if (header && !ended && (key >= from || KEY_BODY.test(text.slice(key + header[0].length)))) return Math.max(from, key);
  }
  // The run may have begun in text already emitted (output arriving a few bytes at a time): its
  // start is looked for there too, and what continues it from `from` on is held.
  let run = text.length;
  const limit = Math.max(0, from - MAX_EMITTED_RUN);
  while (run > limit && RUN_CHAR[text.charCodeAt(run - 1)] === 1) run--;
  const window = Math.max(0, run - PREFIX_SLACK);
  const tail = text.slice(window);
  let hold = openSecretBlock(text, from);
  const t = UNFINISHED_TOKEN.exec(tail);
  if (t && (hold < 0 || window + t.index < hold)) hold = window + t.index;
  const v = UNFINISHED_VALUE.exec(tail);
  if (v) {
    const value = v.slice(1).find((g) => g !== undefined)!;
    const at = window + tail.length - value.length;
    if (hold < 0 || at < hold) hold = at;
  }
  return hold < 0 || hold >= text.length ? -1 : Math.max(from, hold);
}
