// Terminal escape sequences inside a secret: `grep --color=always` prints a match as
// `wdnRT7f3\x1b[01;31m\x1b[KKq9\x1b[m\x1b[KZpX2…`, so the secret's chars are not contiguous in the
// bytes. The masker looks for secrets a second time in a view of the text with the sequences taken
// out (what the terminal shows), and maps what it finds back to the raw span, escapes included.
//
// Recognised: CSI (`ESC [ params intermediates final`), strings (OSC `ESC ]`, DCS `ESC P`, SOS,
// PM, APC, up to BEL or ST), `ESC intermediates final` (charset designations) and two-char
// `ESC x`; C1 CSI and OSC in PTY bytes as UTF-8 (C2 9B, C2 9D: a lone 9B byte is a UTF-8
// continuation byte, not a control; a C2 ending the text may be one whose second byte is still
// arriving). In transcript text (JSON lines) ESC and C1 are looked for
// JSON-escaped (`\u001b`, `\u009b`, with `\u0007`, `\\` inside), as JSON writers escape them, and
// ESC raw (a parsed string). A sequence still arriving at the very end of the text is
// taken out too, so that a stream masker sees a secret's start before the sequence completes.

/** "bytes": PTY output viewed as latin1; "text": JS strings, transcript JSON lines among them. */
export type AnsiForm = "bytes" | "text";

export interface AnsiView {
  /** The text without escape sequences. */
  text: string;
  /** For each char of `text`, its offset in the raw text. */
  at: Int32Array;
}

const ESC = 0x1b;
const BEL = 0x07;
const CSI = 0x9b;
const ST = 0x9c;
const OSC = 0x9d;
/** Longer ones are not sequences a terminal would take; bounds keep the scan linear. */
const MAX_CSI = 64;
const MAX_STRING = 8192;

/** Whether the text may hold an escape sequence: a few indexOf scans, nothing else. */
export function mayHaveEscapes(text: string, form: AnsiForm): boolean {
  if (text.indexOf("\x1b") >= 0) return true;
  if (form === "bytes") return text.indexOf("\xc2\x9b") >= 0 || text.indexOf("\xc2\x9d") >= 0 || text.endsWith("\xc2");
  // `\u00e9` (JSON written ASCII-only) is common: only ESC, CSI and OSC escaped are introducers.
  for (let i = text.indexOf("\\u00"); i >= 0; i = text.indexOf("\\u00", i + 4)) {
    const a = text.charCodeAt(i + 4);
    const b = text.charCodeAt(i + 5) | 0x20; // lower case
    if ((a === 0x31 && b === 0x62) || (a === 0x39 && (b === 0x62 || b === 0x64))) return true; // 1b, 9b, 9d
  }
  return false;
}

/** The text without its escape sequences, or null when it has none. */
export function ansiView(text: string, form: AnsiForm): AnsiView | null {
  if (!mayHaveEscapes(text, form)) return null;
  const json = form === "text";
  let at: Int32Array | null = null; // allocated at the first sequence (a `\u001b` may be an escaped backslash's)
  const parts: string[] = [];
  let n = 0;
  let pos = 0; // raw chars before pos are copied or skipped
  // Where an introducer may be: the next ESC, and the next C2 (bytes) or `\u00` (JSON text), each
  // looked up again only once passed (every char is scanned once per kind; no regex, no match arrays).
  const second = json ? "\\u00" : "\xc2";
  let esc = text.indexOf("\x1b");
  let other = text.indexOf(second);
  for (let from = 0; ; ) {
    if (esc >= 0 && esc < from) esc = text.indexOf("\x1b", from);
    if (other >= 0 && other < from) other = text.indexOf(second, from);
    const i = esc < 0 ? other : other < 0 ? esc : Math.min(esc, other);
    if (i < 0) break;
    const code = introducer(text, i, json);
    if (code < 0) {
      from = i + 1;
      continue;
    }
    const end = sequenceEnd(text, i, code, json);
    at ??= new Int32Array(text.length);
    if (i > pos) parts.push(text.slice(pos, i));
    for (let j = pos; j < i; j++) at[n++] = j;
    pos = from = end;
  }
  if (at === null) return null;
  parts.push(text.slice(pos));
  for (let j = pos; j < text.length; j++) at[n++] = j;
  return { text: parts.join(""), at: at.subarray(0, n) };
}

/** A match [start, end) in the view as a raw span: from its first char to its last, escapes between included. */
export function rawSpan(view: AnsiView, start: number, end: number): { start: number; end: number } {
  return { start: view.at[start]!, end: view.at[end - 1]! + 1 };
}

/** The first index of the view whose raw offset is `raw` or more (view length: none). */
export function viewIndex(view: AnsiView, raw: number): number {
  let lo = 0;
  let hi = view.at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view.at[mid]! < raw) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The length of what the last `introducer` or `unit` call read (no allocation per char). */
let length = 1;

/** The control an ESC or C1 introducer at i stands for (-1: none there), raw or JSON-escaped. */
function introducer(text: string, i: number, json: boolean): number {
  const c = text.charCodeAt(i);
  length = 1;
  if (c === ESC) return ESC;
  if (!json) {
    const d = text.charCodeAt(i + 1);
    if (c === 0xc2 && (d === CSI || d === OSC)) {
      length = 2;
      return d;
    }
    if (c === 0xc2 && i + 1 === text.length) return CSI; // its second byte is yet to come: still arriving
    return -1;
  }
  if (c === 0x5c && !escapedBackslash(text, i)) {
    const u = unit(text, i, json);
    if (u === ESC || u === CSI || u === OSC) return u;
  }
  return -1;
}

/** The backslash at i is itself escaped (an odd run of backslashes before it). */
function escapedBackslash(text: string, i: number): boolean {
  let k = i;
  while (k > 0 && text.charCodeAt(k - 1) === 0x5c) k--;
  return (i - k) % 2 === 1;
}

const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

/** One char at i: in JSON text an escape (`\u001b`, `\\`) counts as the char it stands for; in bytes C2 9C is ST. */
function unit(text: string, i: number, json: boolean): number {
  const c = text.charCodeAt(i);
  length = 1;
  if (json && c === 0x5c) {
    const d = text.charCodeAt(i + 1);
    if (d === 0x75) {
      const a = hex(text.charCodeAt(i + 2));
      const b = hex(text.charCodeAt(i + 3));
      const e = hex(text.charCodeAt(i + 4));
      const f = hex(text.charCodeAt(i + 5));
      if ((a | b | e | f) >= 0) {
        length = 6;
        return (a << 12) | (b << 8) | (e << 4) | f;
      }
    } else if (d === 0x5c || d === 0x22 || d === 0x2f) {
      length = 2;
      return d;
    }
  } else if (!json && c === 0xc2 && text.charCodeAt(i + 1) === ST) {
    length = 2;
    return ST;
  }
  return c;
}

/**
 * Where the sequence introduced at i ends: past its final char or terminator; the end of the
 * text for one still arriving; just past the introducer for one that is malformed (the terminal
 * shows what follows it).
 */
function sequenceEnd(text: string, i: number, code: number, json: boolean): number {
  const malformed = i + length;
  let j = malformed;
  if (code === CSI) return csiEnd(text, j, json, malformed);
  if (code === OSC) return stringEnd(text, j, json, malformed);
  if (j >= text.length) return text.length;
  const c = unit(text, j, json);
  j += length;
  if (c === 0x5b) return csiEnd(text, j, json, malformed); // [
  if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return stringEnd(text, j, json, malformed); // ] P X ^ _
  if (c >= 0x20 && c <= 0x2f) {
    // ESC intermediates final: `ESC ( B`
    for (let k = 0; k < 4 && j < text.length; k++) {
      const v = unit(text, j, json);
      j += length;
      if (v >= 0x30 && v <= 0x7e) return j;
      if (v < 0x20 || v > 0x2f) return malformed;
    }
    return j >= text.length ? text.length : malformed;
  }
  if (c >= 0x30 && c <= 0x7e) return j; // ESC 7, ESC =, ESC M, …
  return malformed;
}

function csiEnd(text: string, j: number, json: boolean, malformed: number): number {
  if (!json) {
    // Bytes: one char each (C2 9C, ST, is no parameter or final byte either way: malformed).
    const bound = j + MAX_CSI;
    for (const stop = Math.min(text.length, bound); j < stop; j++) {
      const c = text.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e) return j + 1;
      if (c < 0x20 || c > 0x3f) return malformed;
    }
    return text.length < bound ? text.length : malformed; // still arriving, or too long
  }
  for (let k = 0; k < MAX_CSI; k++) {
    if (j >= text.length) return text.length;
    const c = unit(text, j, json);
    j += length;
    if (c >= 0x40 && c <= 0x7e) return j;
    if (c < 0x20 || c > 0x3f) return malformed;
  }
  return malformed;
}

/** OSC, DCS and the like: up to BEL or ST (`ESC \`, or C1 ST). */
function stringEnd(text: string, j: number, json: boolean, malformed: number): number {
  for (let k = 0; k < MAX_STRING; k++) {
    if (j >= text.length) return text.length;
    const c = unit(text, j, json);
    j += length;
    if (c === BEL || c === ST) return j;
    if (c === ESC) {
      const esc = j - length;
      if (j >= text.length) return text.length;
      const d = unit(text, j, json);
      return d === 0x5c ? j + length : esc; // another sequence begins: this one ends
    }
  }
  return malformed;
}
