// An env file (`--env-file`, issue 15) in dotenv syntax, parsed without a shell: no command
// substitution and no variable expansion, so `$(...)` and `${X}` stay literal text.
import { ENV_NAME_PATTERN } from "../../protocol/patterns.js";
import { WardenError } from "./errors.js";

/** Why an env file is rejected: `details.reason` of the WardenError("usage") thrown. */
export type DotenvProblem = "no_equals" | "bad_key" | "unterminated_quote" | "text_after_quote" | "nul";

/** Double-quoted escapes; any other backslash is kept as written (`"C:\dir"` stays as is). */
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"' };

/**
 * The variables of an env file, as [key, value] pairs in the order each key first appears; a key
 * given twice keeps its first position and takes its last value (as a shell sourcing it would).
 * Lines: blank; `# comment`; `[export ]KEY=value` with spaces allowed around `=`. A value is
 * - unquoted: up to a `#` preceded by whitespace (a comment), trailing whitespace trimmed;
 * - single-quoted: literal;
 * - double-quoted: with escapes \n \t \r \\ \" (other backslashes kept).
 * Quoted values may span lines; after the closing quote only whitespace and a comment may follow.
 * CRLF line endings read as LF (also inside quoted values) and a leading BOM is dropped.
 * Errors are WardenError("usage") with `details.line` (1-based) and `details.reason` a
 * DotenvProblem; they never quote a value, which may be a secret. `source` names the file in them.
 */
export function parseDotenv(text: string, source = "env file"): Array<[string, string]> {
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n/g, "\n")
    .split("\n");
  const vars = new Map<string, string>();
  let i = 0;
  const fail = (line: number, reason: DotenvProblem, message: string): never => {
    throw new WardenError("usage", `${source} line ${line}: ${message}`, { line, reason, source });
  };
  while (i < lines.length) {
    const lineNo = i + 1;
    const line = lines[i++]!;
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq === -1) fail(lineNo, "no_equals", "expected KEY=value");
    const key = trimmed
      .slice(0, eq)
      .replace(/^export[ \t]+/, "")
      .trimEnd();
    if (!ENV_NAME_PATTERN.test(key)) fail(lineNo, "bad_key", "the key is not a variable name (letters, digits, _; not starting with a digit)");
    const raw = trimmed.slice(eq + 1);
    let rest = raw.trimStart();
    let value: string;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // Gather lines until the closing quote: an unescaped one for double quotes.
      let body = rest.slice(1);
      let close = closingQuote(body, quote);
      while (close === -1) {
        if (i >= lines.length) fail(lineNo, "unterminated_quote", `the ${quote === "'" ? "single" : "double"} quote opened here is never closed`);
        body += `\n${lines[i++]!}`;
        close = closingQuote(body, quote);
      }
      value = quote === "'" ? body.slice(0, close) : unescapeDouble(body.slice(0, close));
      rest = body.slice(close + 1);
      if (!/^[ \t]*(#.*)?$/.test(rest)) fail(i, "text_after_quote", "only a comment may follow the closing quote");
    } else {
      // On the raw text, so `KEY= # note` is empty and `KEY=#x` is "#x".
      const comment = raw.search(/[ \t]#/);
      value = (comment === -1 ? raw : raw.slice(0, comment)).trim();
    }
    // execve cannot pass a NUL: refuse here, naming the line, rather than fail at launch.
    if (value.includes("\0")) fail(lineNo, "nul", "the value contains a NUL character");
    vars.set(key, value);
  }
  return [...vars];
}

/** Index of the quote closing `body` (which follows the opening quote), or -1. */
function closingQuote(body: string, quote: string): number {
  if (quote === "'") return body.indexOf("'");
  for (let j = 0; j < body.length; j++) {
    if (body[j] === "\\") j++;
    else if (body[j] === '"') return j;
  }
  return -1;
}

function unescapeDouble(body: string): string {
  return body.replace(/\\([\s\S])/g, (all, c: string) => ESCAPES[c] ?? all);
}
