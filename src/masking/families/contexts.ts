// Secrets known by where they are written rather than by a format of their own: a command's
// argument that is a password (`curl -u user:pass`, tried with the generic rules of rules.ts) and
// the values of a Kubernetes Secret (tried before them: a value is the Secret's whatever it looks
// like); see rule-kit.ts for how a rule is written. The pieces of each pattern the
// stream masker needs to hold a value still arriving are exported for unfinished.ts.
import { genericSecret, passwordValue, randomEnough } from "../allowlist.js";
import { passwordName } from "../secret-names.js";
import { B, regexRule, type Rule, type Span } from "../rule-kit.js";

/** The chars of a command-line value (as assignments.ts's ASSIGNMENT_VALUE, a `:` included). */
const VALUE = String.raw`(?:[A-Za-z0-9_\-+/=.~!@#$%^*?:|]|&(?![A-Za-z_][A-Za-z0-9_]*=))`;
/**
 * `curl … -u user:` / `--user user:` / `-uuser:` / `--user="user:`: the user is kept, what follows
 * its first `:` is the password. The lookbehind finds `curl` earlier on the line (quotes and
 * JSON-escaped quotes allowed, not a newline, raw or escaped); `-u` of other commands (docker's
 * uid:gid) is not a password.
 */
export const CURL_USER_KEEP = String.raw`(?<=${B}curl(?:[ \t](?:[^\n\r;|&\x60\\]|\\(?![nr])){0,512}?)?[ \t]-?)-u(?:ser)?(?:[ \t]{1,4}|=)?(?:\\{0,7}["'])?[^\s:"'\\@]{0,128}:`;

// `Cookie:` / `Set-Cookie:` headers: the values of session cookies (`sessionid`, `connect.sid`,
// `JSESSIONID`, `_app_session`, `remember_token`) when they look random; other cookies (preferences,
// tracking ids) are left alone.
const COOKIE_HEADER = /(?:set-)?cookie(?:\\?["'])?:[ \t]{0,4}(?:\\?["'])?/iy;
const COOKIE_PAIR = /[ \t]{0,4}([A-Za-z0-9_.!#$%&'*+^`|~-]{1,128})=((?:[^;\s"\\,]|\\(?![nrt"\\])){1,4096})(?:;|(?=[\s"\\])|$)/y;
const SESSION_NAMES = String.raw`(?:[\w.-]*sess(?:ion)?(?:[_.-]?(?:id|key|token))?|sid|connect\.sid|[\w.-]*_session|remember_(?:token|me)|auth_?token)`;
const SESSION_NAME = new RegExp(`^${SESSION_NAMES}$`, "i");
/** For the stream masker: a session cookie's name before its value (held whether or not `Cookie:` is still in view). */
export const SESSION_COOKIE_KEEP = String.raw`(?<![\w.-])${SESSION_NAMES}=`;
const MAX_COOKIES = 64;

function cookieValues(text: string, at: number): Span[] {
  COOKIE_HEADER.lastIndex = at;
  if (!COOKIE_HEADER.test(text)) return [];
  const spans: Span[] = [];
  let pos = COOKIE_HEADER.lastIndex;
  for (let n = 0; n < MAX_COOKIES; n++) {
    COOKIE_PAIR.lastIndex = pos;
    const p = COOKIE_PAIR.exec(text);
    if (!p) break;
    const value = p[2]!;
    if (SESSION_NAME.test(p[1]!) && value.length >= 16 && randomEnough(value, 3.3)) {
      const start = p.index + p[0].indexOf("=") + 1;
      spans.push({ start, end: start + value.length });
    }
    pos = COOKIE_PAIR.lastIndex;
  }
  return spans;
}

export const sessionCookies: Rule = {
  name: "session_cookie",
  family: "HTTP session cookies",
  keywords: ["Cookie", "cookie", "COOKIE"],
  prefix: false,
  note: "session cookies' values in Cookie: and Set-Cookie: headers",
  // rules.ts gives it the assignment words' scan context (a `:` after the name).
  find: (text, at) => cookieValues(text, at)[0] ?? null,
  findAll: cookieValues,
};

/** A Dockerfile's `ENV NAME value` (the form without `=`) at a line's start, a name that says secret (group 1 ends it). */
export const DOCKER_ENV_KEEP = String.raw`(?:(?<![^\n\r])|(?<=\\n))ENV[ \t]{1,4}([A-Za-z0-9_]{0,40}(?:key|token|secret|pass|pwd|auth|credential)[A-Za-z0-9_]{0,40})[ \t]{1,4}(?:\\{0,7}["'])?`;

export const CONTEXT_RULES: readonly Rule[] = [
  regexRule(
    "password",
    ["-u"],
    String.raw`(${CURL_USER_KEEP})(?=(${VALUE}{6,1024}))\2(?!${VALUE})`,
    (s, m) => passwordValue(s, /["']$/.test(m[1]!) ? "quoted" : "literal"),
    {
      family: "Passwords",
      keep: true,
      note: "curl's -u/--user user:password",
      keywordContext: String.raw`(?=(?:ser)?[ \t=]{0,4}(?:\\{0,7}["'])?[^\s:"'\\@]{0,128}:)`,
    },
  ),
  regexRule(
    "generic_secret",
    ["ENV"],
    String.raw`(${DOCKER_ENV_KEEP})(?=(${VALUE}{6,1024}))\3(?!${VALUE})`,
    (s, m) => {
      const name = m[2]!;
      if (genericSecret(s, name)) return true;
      return passwordName(name) && passwordValue(s, /["']$/.test(m[1]!) ? "quoted" : "literal") ? "password" : false;
    },
    {
      family: "Secret-looking assignments",
      keep: true,
      flags: "i",
      note: "Dockerfile ENV NAME value",
      keywordContext: String.raw`(?=[ \t]{1,4}[A-Za-z0-9_]{1,80}[ \t]{1,4}[^\s=])`,
    },
  ),
];

// Kubernetes Secret manifests: under `kind: Secret`, the values of `data:` are base64 of secrets
// and those of `stringData:` secrets in clear, whatever they look like (`YWRtaW4=` is "admin").
// Each value is masked, its key kept. The rule is tried at `kind: Secret` (rarer than `data:`, so
// cheaper to scan for) and finds the blocks of the same mapping on both sides of it:
// `kubectl get secret -o yaml` writes `data:` before `kind:`. YAML only (not `-o json`).

/** A newline, raw or JSON-escaped (at any depth: a manifest in a JSON string in a JSON line). */
const NL = String.raw`(?:\r?\n|\\{1,7}r\\{1,7}n|\\{1,7}n)`;
/** How far from its `kind:` a manifest's blocks and `---` are looked for (metadata, annotations). */
const DOC_WINDOW = 16 * 1024;
const MAX_ENTRIES = 512;
/** `kind: Secret` (or JSON-escaped `kind\": \"Secret`), tried at the keyword. */
const KIND_SECRET = /kind(?:\\{0,7}")?:[ \t]{0,4}(?:\\{0,7}["'])?Secret(?![A-Za-z])/y;
const DOC_SEPARATOR = new RegExp(String.raw`(?:^|${NL})---(?=[ \t]*(?:${NL}|$))`, "g");
/** A `data:` or `stringData:` line: its indentation (group 1). */
const BLOCK = new RegExp(String.raw`(?:^|${NL}|")( *)(?:data|stringData):[ \t]*(?=${NL})`, "g");
/** A line break and the next line's indentation (a list item's `- ` counts as less). */
const LINE_START = new RegExp(String.raw`${NL}( *)`, "g");
/** An entry of the block: its line break, indentation (group 1), key and `: ` (group 2 ends there). */
const ENTRY = new RegExp(String.raw`${NL}(?:[ \t]*(?=${NL}))*( +)((?:\\{0,7}["'])?[A-Za-z0-9_.-]{1,253}(?:\\{0,7}["'])?:[ \t]*)`, "y");
/** A line of a block scalar: its line break, indentation (group 1) and text. */
const ENTRY_LINE = new RegExp(String.raw`${NL}(?:[ \t]*(?=${NL}))*( *)[^\r\n\\]{0,65536}`, "y");
/** A value: quoted (the quotes kept), a block scalar (`|`, `>-`), or plain to the end of the line. */
const QUOTED_VALUE = /(\\{0,7}["'])([^"'\\\r\n]{1,65536})\1/y;
const BLOCK_SCALAR = new RegExp(String.raw`[|>][+-]?[ \t]*(?=${NL})`, "y");
const PLAIN_VALUE = /[^\s"'\\#][^\r\n"'\\]{0,65535}/y;
const LEADING_BREAKS = new RegExp(String.raw`^${NL}*[ \t]*`);
/** Not a value: a template or a reference to one (`{{ .Values.password | b64enc }}`, `${DB_PASSWORD}`), a placeholder. */
const NOT_A_VALUE = /^(?:\{\{|\$\{|\$[A-Z_]|<[^>]*>$|null$|~$)/;

/** The indentation of the line holding `at` (after a newline, raw or escaped, or a JSON string's quote), or null if `at` is not its first non-space. */
function lineIndent(text: string, at: number): number | null {
  let i = at;
  while (i > 0 && text[i - 1] === " ") i--;
  const ok = i === 0 || text[i - 1] === "\n" || text[i - 1] === '"' || (text[i - 1] === "n" && text[i - 2] === "\\");
  return ok ? at - i : null;
}

/** No line between `from` and `to` is indented less than `indent`: both are in one mapping. */
function oneMapping(text: string, from: number, to: number, indent: number): boolean {
  LINE_START.lastIndex = from;
  for (let m = LINE_START.exec(text); m && m.index < to; m = LINE_START.exec(text)) {
    const next = text[LINE_START.lastIndex];
    if (m[1]!.length < indent && next !== "\n" && next !== "\r" && next !== "\\") return false;
  }
  return true;
}

/** The values of the Secret whose `kind:` is at `at`: every value of its `data:` and `stringData:` blocks. */
function secretValues(text: string, at: number): Span[] {
  KIND_SECRET.lastIndex = at;
  if (!KIND_SECRET.test(text)) return [];
  const indent = lineIndent(text, at);
  if (indent === null) return [];
  // The document around it: up to `---` lines, within DOC_WINDOW.
  let from = Math.max(0, at - DOC_WINDOW);
  let to = Math.min(text.length, at + DOC_WINDOW);
  DOC_SEPARATOR.lastIndex = from;
  for (let m = DOC_SEPARATOR.exec(text); m && m.index < to; m = DOC_SEPARATOR.exec(text)) {
    if (m.index < at) from = m.index + m[0].length;
    else {
      to = m.index;
      break;
    }
  }
  const spans: Span[] = [];
  BLOCK.lastIndex = from;
  for (let b = BLOCK.exec(text); b && b.index < to; b = BLOCK.exec(text)) {
    if (b[1]!.length !== indent) continue;
    const [x, y] = b.index < at ? [b.index + b[0].length, at] : [at, b.index];
    if (oneMapping(text, x, y, indent)) blockValues(text, BLOCK.lastIndex, indent, spans);
  }
  return spans;
}

/** The values of the block whose entries start at `pos` (the end of its `data:` line). */
function blockValues(text: string, pos: number, indent: number, spans: Span[]): void {
  for (let n = 0; n < MAX_ENTRIES; n++) {
    ENTRY.lastIndex = pos;
    const e = ENTRY.exec(text);
    if (!e || e[1]!.length <= indent) return;
    const entryIndent = e[1]!.length;
    pos = ENTRY.lastIndex;
    let span: Span | null = null;
    QUOTED_VALUE.lastIndex = BLOCK_SCALAR.lastIndex = PLAIN_VALUE.lastIndex = pos;
    const q = QUOTED_VALUE.exec(text);
    if (q) {
      span = { start: pos + q[1]!.length, end: pos + q[1]!.length + q[2]!.length };
      pos = QUOTED_VALUE.lastIndex;
    } else if (BLOCK_SCALAR.test(text)) {
      // The lines indented deeper than the key are the value.
      pos = BLOCK_SCALAR.lastIndex;
      const start = pos;
      for (;;) {
        ENTRY_LINE.lastIndex = pos;
        const l = ENTRY_LINE.exec(text);
        if (!l || l[1]!.length <= entryIndent) break;
        pos = ENTRY_LINE.lastIndex;
      }
      const lead = LEADING_BREAKS.exec(text.slice(start, pos))![0].length;
      if (pos > start + lead) span = { start: start + lead, end: pos };
    } else {
      const p = PLAIN_VALUE.exec(text);
      if (p) {
        span = { start: pos, end: pos + p[0].trimEnd().length };
        pos = PLAIN_VALUE.lastIndex;
      }
    }
    if (span && span.end > span.start && !NOT_A_VALUE.test(text.slice(span.start, span.end))) spans.push(span);
  }
}

export const kubernetesSecret: Rule = {
  name: "kubernetes_secret",
  family: "Kubernetes",
  keywords: ["kind"],
  prefix: false,
  note: "the values of data: and stringData: under kind: Secret",
  // rules.ts gives it the assignment words' scan context (`kind` must be followed by a `:`).
  find: (text, at) => secretValues(text, at)[0] ?? null,
  findAll: secretValues,
};

/**
 * For the stream masker: where a `data:` / `stringData:` block still open at the end of `text`
 * begins its values (-1: none), unless its document says it is of another kind. A Secret's
 * values are held until the block ends and its `kind:` may have been seen (kubectl writes it
 * after `data:`); the hold times out as any other.
 */
export function openSecretBlock(text: string, from: number): number {
  const tail = Math.max(0, text.length - DOC_WINDOW);
  if (text.indexOf("ata:", tail) < 0) return -1; // not lastIndexOf: V8 walks that char by char
  const window = text.slice(tail);
  const lines = window.split("\n");
  let end = window.length; // where line i ends
  let least = Infinity; // the least indentation of the lines after line i
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    // A last line still arriving (`k`) may yet be the `kind: Secret` that says what the block was.
    if (line.trim() !== "" && i < lines.length - 1) {
      if (indent < least && /^ *(?:data|stringData):[ \t]*\r?$/.test(line)) {
        const kind = new RegExp(String.raw`(?:^|\n) {${indent}}kind:[ \t]*["']?(\w+)`).exec(window.slice(0, window.lastIndexOf("\n") + 1));
        if (kind && kind[1] !== "Secret") return -1;
        const values = tail + end + 1;
        return values >= text.length ? -1 : Math.max(from, values);
      }
      if (indent === 0) return -1; // a line at the top level ends any block before it
      least = Math.min(least, indent);
    }
    end -= line.length + 1;
  }
  return -1;
}
