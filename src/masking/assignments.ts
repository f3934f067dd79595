// The generic rules' building blocks (RULES in rules.ts uses them): an assignment's name, operator
// and value in every form it is written (`API_KEY=`, `"client_secret": "`, XML, setters), a URL's
// credentials, a password on a command line, and what decides that an assignment's value is a
// secret. unfinished.ts holds a stream's unfinished token back with the same patterns.
import { genericSecret, passwordValue, urlPassword } from "./allowlist.js";
import { B } from "./rule-kit.js";
import { passwordName } from "./secret-names.js";

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

/** Case variants of the names that make an assignment's value a secret candidate. */
export const ASSIGNMENT_WORDS = ["key", "token", "secret", "pass", "pwd", "auth", "credential"];
export const cased = (w: string) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()];
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
export const ASSIGNMENT_CONTEXT = String.raw`(?=${NAME_REST}[\\"'\x60\]]{0,6}[ \t]{0,4}(?:[:=>]|[?+.]=|<\/|(?<=["'\x60][ \t]{0,4}),|[A-Za-z_&*\[][\w.&*\[\]]{0,40}[ \t]{0,4}=))`;
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
export const PASSWORD_COMMAND_ARGS = String.raw`(?:mysql|mariadb|sshpass)[a-z-]{0,12}(?:[ \t][^\n\r;|&"'\\\x60]{0,256}?)?[ \t]`;
export const PASSWORD_COMMAND = String.raw`${PASSWORD_COMMAND_ARGS}-p[ \t]{0,4}(?:\\{0,7}["'])?`;
export const quoted = (keep: string) => /["'\x60]$/.test(keep);
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
export function assignment(s: string, m: RegExpExecArray, text: string): boolean | string {
  const end = m.index + m[0].length;
  if (text[end] === "(" || (xml(m[1]!) && text[end] !== "<")) return false;
  if (genericSecret(s, () => assignmentName(text, m))) return true;
  // The second of a (user, password) pair: `auth=("admin", "…")`.
  if (m[1]!.includes("(")) return passwordValue(s, "quoted") ? "password" : false;
  // An HTTP header's credentials (`Authorization: Basic …`, `Proxy-Authorization: Bearer …`) are one whatever they look like.
  if (/authorization$/i.test(assignmentName(text, m))) return headerCredentials(s, m[1]!) || passwordValue(s, assignmentForm(m[1]!, text, m.index));
  return passwordValue(s, assignmentForm(m[1]!, text, m.index)) && passwordName(assignmentName(text, m)) ? "password" : false;
}
/** The generic rule's pattern: `keep` (group 1), then a value of 6 to 1024 chars, read whole. */
export const ASSIGNMENT = (keep: string) => String.raw`(${keep})(?=(${ASSIGNMENT_VALUE}{6,1024}))\2(?!${ASSIGNMENT_VALUE})`;
