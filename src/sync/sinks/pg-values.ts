// Projection values as PostgreSQL takes them. PostgreSQL text cannot hold U+0000 and jsonb rejects
// the \u0000 escape and unpaired surrogates, all of which JSON from terminal output can carry:
// those become U+FFFD (the only change a push makes to content).

const LONE = "[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]";
const LONE_SURROGATES = new RegExp(LONE, "g");
const HAS_LONE_SURROGATE = new RegExp(LONE);
/** A \u0000 or surrogate escape in JSON text (not preceded by an escaping backslash). */
const RISKY_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|[dD][89a-fA-F])/;

/** Text PostgreSQL accepts: NUL and unpaired surrogates become U+FFFD. */
export function pgText(s: string): string;
export function pgText(s: string | null): string | null;
export function pgText(s: string | null): string | null {
  if (s === null) return null;
  return s.replaceAll("\u0000", "\ufffd").replace(LONE_SURROGATES, "\ufffd");
}

/** A JSON value with every string (keys too) made PostgreSQL-safe. */
function safeValue(v: unknown): unknown {
  if (typeof v === "string") return pgText(v);
  if (Array.isArray(v)) return v.map(safeValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[pgText(k)] = safeValue(x);
    return out;
  }
  return v;
}

/** JSON text jsonb accepts; unchanged (and not re-parsed) in the usual case. */
export function pgJson(text: string): string;
export function pgJson(text: string | null): string | null;
export function pgJson(text: string | null): string | null {
  if (text === null) return null;
  const risky = RISKY_ESCAPE.test(text) || HAS_LONE_SURROGATE.test(text) || text.includes("\u0000");
  return risky ? JSON.stringify(safeValue(JSON.parse(text))) : text;
}
