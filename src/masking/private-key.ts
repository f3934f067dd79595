// PEM private key blocks (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP), as printed (real
// newlines) or inside a JSON string (newlines as the two chars `\n`). Masked from the BEGIN line to
// the END line; a block cut short (`head id_rsa`, a truncated tool output) from the BEGIN line to
// the end of its base64 lines. A block whose body is no key (`...`, `<your key>`) is left alone.
//
// Change anything here and bump RULES_VERSION in rules.ts.
import type { Rule } from "./rule-kit.js";

const BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
/**
 * Base64 lines (whole lines), the headers of encrypted and PGP blocks, and blank lines between
 * them, each after a newline, real or escaped.
 */
const NL = String.raw`(?:\r?\n|\\r\\n|\\n)`;
const BODY = new RegExp(
  String.raw`(?:[ \t]*${NL}(?:[A-Za-z0-9+/=]+(?=[ \t]*(?:${NL}|\\r|"|$))|(?:Proc-Type|DEK-Info|Version|Comment|Hash): ?[^\r\n\\"]*|(?=${NL})))*`,
  "y",
);
/** No key is longer (an RSA 16384 key is about 12 KB; JSON escaping adds a char a line). */
const MAX_BLOCK = 64 * 1024;
/** The smallest real key (EC P-256, PKCS#8) has over 160 base64 chars. */
const MIN_BASE64 = 32;

export const privateKey: Rule = {
  name: "private_key",
  family: "Private keys (PEM, OpenSSH, PuTTY)",
  keywords: ["-----BEGIN "],
  prefix: true,
  pattern: `${BEGIN.source} … ${END.source}`,
  note: "the whole block, BEGIN to END line (to its last base64 line when cut short); not a block whose body is no key (`...`, `<your key>`)",
  find(text, at) {
    BEGIN.lastIndex = at;
    if (!BEGIN.test(text)) return null;
    const bodyStart = BEGIN.lastIndex;
    let bodyEnd = -1;
    let end = -1;
    // The END is the first "-----" after the body (base64 has no "-"): looked for up to there,
    // and within MAX_BLOCK, so a text of many unclosed blocks stays linear.
    const window = text.slice(bodyStart, bodyStart + MAX_BLOCK);
    const e = window.indexOf("-----");
    if (e >= 0 && window.startsWith("-----END ", e)) {
      // A `"` before the END: the BEGIN and END are in different JSON strings (code that checks
      // for a PEM header), not one block.
      const quote = window.indexOf('"');
      END.lastIndex = bodyStart + e;
      if ((quote < 0 || quote > e) && END.test(text)) {
        bodyEnd = bodyStart + e;
        end = END.lastIndex;
      }
    }
    if (end < 0) {
      BODY.lastIndex = bodyStart;
      BODY.test(text);
      bodyEnd = end = BODY.lastIndex;
    }
    const body = text.slice(bodyStart, bodyEnd);
    if (/\.\.\.|\u2026|<[^>]*>/.test(body)) return null;
    return base64Chars(body) >= MIN_BASE64 ? { start: at, end } : null;
  },
};

function base64Chars(body: string): number {
  return body.replace(/\\[nrt]/g, "").replace(/[^A-Za-z0-9+/]/g, "").length;
}
