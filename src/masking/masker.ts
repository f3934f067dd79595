// Masking of output before anything is written: known secret values (and their encoded forms)
// and token patterns become [MASKED:<rule>]. Works on bytes viewed as latin1 text, so non-UTF-8
// output passes byte-exact.
//
// Streams are masked across chunk boundaries two ways: text that may be the start of a secret
// or token (a known prefix running to the end of the chunk) is held back until it completes, for
// at most `holdMs`; and matches are searched with a lookbehind over what was already emitted, so
// the rest of a secret whose first characters went out is still masked. Both look through terminal
// escape sequences (ansi.ts): a colour code inside a secret, or one still arriving after its start.
import { type AnsiView, ansiView, viewIndex } from "./ansi.js";
import { findMatches as find, type Match } from "./find.js";
import { marker } from "./rules.js";
import type { SecretValues } from "./secret-values.js";
import { unfinishedStart } from "./unfinished.js";

export type { Match } from "./find.js";

/** Matches in a JS string: vault values (`secret`) and the rules, non-overlapping, in text order. */
export function findMatches(text: string, secrets?: SecretValues): Match[] {
  return find(text, secrets ? secrets.formSet("text") : { forms: [], pattern: null });
}

/** Matches in bytes viewed as latin1 text. */
const findInBytes = (text: string, secrets: SecretValues, view?: AnsiView | null) => find(text, secrets.formSet("bytes"), "bytes", view);

/**
 * Masks a JS string (a transcript line, a field): each match becomes `[MASKED:<rule>]`, and `hits`
 * counts them per rule. Text with nothing to mask comes back as the very same string, with an
 * empty `hits`. Markers hold no quote or backslash, and rule matches stay inside a JSON string, so
 * a masked JSON line still parses in the common case; when it does not (a vault value spanning
 * JSON syntax), mask the parsed value with maskValue instead.
 */
export function maskText(text: string, secrets: SecretValues): { text: string; hits: Record<string, number> } {
  const hits: Record<string, number> = {};
  const matches = findMatches(text, secrets);
  if (matches.length === 0) return { text, hits };
  let out = "";
  let pos = 0;
  for (const m of matches) {
    out += text.slice(pos, m.start) + marker(m.rule);
    hits[m.rule] = (hits[m.rule] ?? 0) + 1;
    pos = m.end;
  }
  return { text: out + text.slice(pos), hits };
}

/**
 * Masks every string in a parsed JSON value (object keys left as they are), adding to `hits`.
 * Returns the value itself where nothing changed, a new array or object only along the paths to
 * what did.
 */
export function maskValue(value: unknown, secrets: SecretValues, hits: Record<string, number>): unknown {
  if (typeof value === "string") {
    const r = maskText(value, secrets);
    for (const rule in r.hits) hits[rule] = (hits[rule] ?? 0) + r.hits[rule]!;
    return r.text;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = maskValue(value[i], secrets, hits);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    let out: Record<string, unknown> | null = null;
    for (const key of Object.keys(obj)) {
      const v = maskValue(obj[key], secrets, hits);
      if (v !== obj[key]) (out ??= { ...obj })[key] = v;
    }
    return out ?? value;
  }
  return value;
}

/** `text[from, to)` with every match overlapping it replaced by its marker (once per match). */
function masked(text: string, from: number, to: number, matches: Match[], rules: Set<string>): string {
  if (from >= to) return "";
  let out = "";
  let pos = from;
  for (const m of matches) {
    if (m.end <= from || m.start >= to) continue;
    const s = Math.max(m.start, from);
    out += text.slice(pos, s) + marker(m.rule);
    rules.add(m.rule);
    pos = Math.min(m.end, to);
  }
  return out + text.slice(pos, to);
}

/** Masks a complete text (a file, a record): bytes in, bytes out, plus the rules that fired. */
export function maskBytes(bytes: Buffer, secrets: SecretValues): { bytes: Buffer; rules: string[] } {
  const text = bytes.toString("latin1");
  const rules = new Set<string>();
  const out = masked(text, 0, text.length, findInBytes(text, secrets), rules);
  return { bytes: Buffer.from(out, "latin1"), rules: [...rules] };
}

/** Whether text from p to its end is the start of `form`. */
function startsAt(text: string, p: number, form: string): boolean {
  for (let i = p + 1; i < text.length; i++) if (text.charCodeAt(i) !== form.charCodeAt(i - p)) return false;
  return true;
}

const LOOKBEHIND = 512;
/**
 * A hold on this many chars or more of a known secret's start never times out: a secret typed at
 * human speed (a key every 100+ ms) would otherwise go out one timed-out key at a time. Shorter
 * holds time out, so at most FIRM_PREFIX - 1 chars of a secret can be emitted before it is seen.
 */
const FIRM_PREFIX = 3;

export class StreamMasker {
  /** The tail of what was already emitted, unmasked: matches may start in it. */
  private behind = "";
  /** Received but not yet emitted: a possible secret or token still arriving. */
  private held = "";
  private heldSince = 0;
  /** The current hold is on a known secret's start (FIRM_PREFIX chars or more): no timeout. */
  firm = false;
  readonly rulesFired = new Set<string>();

  constructor(
    private readonly secrets: SecretValues,
    private readonly holdMs = 50,
  ) {}

  /** Bytes that may be emitted now (masked); the rest waits for more output or `flush`. */
  push(chunk: Buffer): Buffer {
    if (this.held === "") this.heldSince = Date.now();
    const fresh = this.held === "" ? chunk : null; // what is emitted starts with this chunk
    const text = this.behind + this.held + chunk.toString("latin1");
    const from = this.behind.length;
    const view = ansiView(text, "bytes");
    let { hold, firm } = this.holdStart(text, from, view);
    if (hold < text.length && !firm && Date.now() - this.heldSince >= this.holdMs) hold = text.length; // waited enough
    this.firm = firm && hold < text.length;
    return this.emit(text, from, hold, view, fresh);
  }

  /** For a timer: emits what has been held long enough, unless the hold is firm. */
  expire(): Buffer {
    return this.held === "" ? Buffer.alloc(0) : this.push(Buffer.alloc(0));
  }

  /** Emits everything held (masked): at exit, or when a timer says the hold has lasted long enough. */
  flush(): Buffer {
    if (this.held === "") return Buffer.alloc(0);
    this.firm = false;
    const text = this.behind + this.held;
    return this.emit(text, this.behind.length, text.length);
  }

  get holding(): boolean {
    return this.held !== "";
  }

  /**
   * Emits text[from, hold), masked. `fresh`: the chunk text[from...] was made of, when nothing
   * held came before it; it goes out as it is (no copy) when no match touches what is emitted.
   */
  private emit(text: string, from: number, hold: number, view?: AnsiView | null, fresh?: Buffer | null): Buffer {
    const matches = from >= hold ? [] : findInBytes(text, this.secrets, view);
    const untouched = fresh && !matches.some((m) => m.end > from && m.start < hold);
    const out = untouched ? fresh.subarray(0, hold - from) : Buffer.from(masked(text, from, hold, matches, this.rulesFired), "latin1");
    this.behind = text.slice(Math.max(0, hold - LOOKBEHIND), hold);
    const wasHolding = this.held !== "";
    this.held = text.slice(hold);
    if (this.held !== "" && !wasHolding) this.heldSince = Date.now();
    return out;
  }

  /**
   * Where text that might still become a secret or a token begins (text.length: nowhere), and
   * whether that is a firm hold. A secret's start is looked for over the text already emitted
   * too: its first chars may have gone out on a timeout, the rest must not.
   */
  private holdStart(text: string, from: number, view: AnsiView | null): { hold: number; firm: boolean } {
    if (view === null) return this.holdIn(text, from);
    const r = this.holdIn(view.text, viewIndex(view, from));
    return { hold: r.hold < view.text.length ? view.at[r.hold]! : text.length, firm: r.firm };
  }

  private holdIn(text: string, from: number): { hold: number; firm: boolean } {
    let hold = text.length;
    let firm = false;
    const unfinished = unfinishedStart(text, from);
    if (unfinished >= 0) hold = unfinished;
    const n = text.length;
    for (const form of this.secrets.all()) {
      // The longest start of the form ending the text: tried only where its first char is (no slice per length).
      const first = form.charCodeAt(0);
      for (let p = n - Math.min(form.length - 1, n); p < n; p++) {
        if (text.charCodeAt(p) !== first || !startsAt(text, p, form)) continue;
        const k = n - p;
        hold = Math.min(hold, Math.max(from, n - k));
        if (k >= FIRM_PREFIX) firm = true;
        break;
      }
    }
    return { hold, firm };
  }
}
