// A transcript line as a masked JSON value: the text masked (every token rule and known secret
// value) before it is parsed, so nothing unmasked reaches an importer.
import { maskText } from "../masking/masker.js";
import type { SecretValues } from "../masking/secret-values.js";

export const addHits = (into: Record<string, number>, hits: Record<string, number>): number => {
  let n = 0;
  for (const [rule, k] of Object.entries(hits)) {
    into[rule] = (into[rule] ?? 0) + k;
    n += k;
  }
  return n;
};

/**
 * A line as a masked JSON value, or undefined when it is not JSON. Masking the text first is one
 * pass over it; should a match have cut through JSON syntax (a vault value standing as a JSON
 * number, or spanning a quote), so the masked text no longer parses, the raw line is masked token
 * by token instead: every string (object keys included) and every number, by its literal text.
 */
export function maskedRecord(text: string, secrets: SecretValues, hits: Record<string, number>): unknown {
  const m = maskText(text, secrets);
  try {
    const value = JSON.parse(m.text) as unknown;
    addHits(hits, m.hits);
    return value;
  } catch {
    if (m.text === text) return undefined;
  }
  const tokens = maskTokens(text, secrets);
  if (tokens === null) return undefined;
  try {
    const value = JSON.parse(tokens.text) as unknown;
    addHits(hits, tokens.hits);
    return value;
  } catch {
    return undefined;
  }
}

/** A JSON string literal (from its opening quote) or a number literal, sticky. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The JSON text with each string and number literal masked on its own: a string by its decoded
 * value (re-encoded), a number by its digits (a masked number becomes a string holding the
 * marker). Null when a string literal does not decode (the line is not JSON).
 */
function maskTokens(text: string, secrets: SecretValues): { text: string; hits: Record<string, number> } | null {
  const hits: Record<string, number> = {};
  let out = "";
  let pos = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x22 && c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    TOKEN.lastIndex = i;
    const t = TOKEN.exec(text);
    if (!t) continue;
    const literal = t[0];
    let value: string;
    if (c === 0x22) {
      try {
        value = JSON.parse(literal) as string;
      } catch {
        return null;
      }
    } else value = literal;
    const r = maskText(value, secrets);
    if (r.text !== value) {
      out += text.slice(pos, i) + JSON.stringify(r.text);
      pos = i + literal.length;
      addHits(hits, r.hits);
    }
    i += literal.length - 1;
  }
  return { text: out + text.slice(pos), hits };
}
