// Terminal escape sequences inside a secret: `grep --color=always` prints a match as
// `wdnRT7f3\x1b[01;31m\x1b[KKq9\x1b[m\x1b[KZpX2…`, so the secret's chars are not contiguous in the
// bytes. The masker looks for secrets a second time in a view of the text with the sequences taken
// out (what the terminal shows), and maps what it finds back to the raw span, escapes included.
//
// Recognised: CSI (`ESC [ params intermediates final`), strings (OSC `ESC ]`, DCS `ESC P`, SOS,
// PM, APC, up to BEL or ST), `ESC intermediates final` (charset designations) and two-char
// `ESC x`; C1 CSI and OSC (U+009B, U+009D, in bytes their UTF-8 form C2 9B, C2 9D: a lone 9B byte
// is a UTF-8 continuation byte, not a control); in transcript text (JSON lines) also the JSON
// escaped forms `\u001b`, `\u0007`, `\\`. A sequence still arriving at the very end of the text is
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
  if (form === "bytes") return text.indexOf("\xc2\x9b") >= 0 || text.indexOf("\xc2\x9d") >= 0;
  return text.indexOf("\\u001") >= 0 || text.indexOf("\x9b") >= 0 || text.indexOf("\x9d") >= 0 || text.indexOf("\\u009") >= 0;
}

/** The text without its escape sequences, or null when it has none. */
export function ansiView(text: string, form: AnsiForm): AnsiView | null {
  if (!mayHaveEscapes(text, form)) return null;
  const at = new Int32Array(text.length);
  let out = "";
  let n = 0;
  let pos = 0; // raw chars before pos are copied or skipped
  const find = form === "bytes" ? BYTES_INTRO : TEXT_INTRO;
  find.lastIndex = 0;
  for (let m = find.exec(text); m; m = find.exec(text)) {
    const i = m.index;
    const intro = introducer(text, i, form);
    if (intro === null) continue;
    const end = sequenceEnd(text, i, intro, form);
    out += text.slice(pos, i);
    for (let j = pos; j < i; j++) at[n++] = j;
    pos = find.lastIndex = end;
  }
  if (pos === 0) return null;
  out += text.slice(pos);
  for (let j = pos; j < text.length; j++) at[n++] = j;
  return { text: out, at: at.subarray(0, n) };
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

/** Where an introducer may be; `introducer` decides. */
const BYTES_INTRO = /\x1b|\xc2[\x9b\x9d]/g;
const TEXT_INTRO = /[\x1b\x9b\x9d]|\\u00(?:1[bB]|9[bBdD])/g;

interface Intro {
  /** ESC, or the C1 control it stands for. */
  code: number;
  length: number;
}

/** An ESC or C1 introducer at i, raw or JSON-escaped. */
function introducer(text: string, i: number, form: AnsiForm): Intro | null {
  const c = text.charCodeAt(i);
  if (c === ESC) return { code: ESC, length: 1 };
  if (form === "bytes") {
    if (c === 0xc2) {
      const d = text.charCodeAt(i + 1);
      if (d === CSI || d === OSC) return { code: d, length: 2 };
    }
    return null;
  }
  if (c === CSI || c === OSC) return { code: c, length: 1 };
  if (c === 0x5c && text.charCodeAt(i + 1) === 0x75 && !escapedBackslash(text, i)) {
    const u = unit(text, i, form);
    if (u.code === ESC || u.code === CSI || u.code === OSC) return { code: u.code, length: u.length };
  }
  return null;
}

/** The backslash at i is itself escaped (an odd run of backslashes before it). */
function escapedBackslash(text: string, i: number): boolean {
  let k = i;
  while (k > 0 && text.charCodeAt(k - 1) === 0x5c) k--;
  return (i - k) % 2 === 1;
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** One char at i: in text, a JSON escape (`\u001b`, `\\`) counts as the char it stands for. */
function unit(text: string, i: number, form: AnsiForm): { code: number; length: number } {
  const c = text.charCodeAt(i);
  if (form === "text" && c === 0x5c && i + 1 < text.length) {
    const d = text[i + 1]!;
    if (d === "u") {
      const hex = text.slice(i + 2, i + 6);
      if (HEX4.test(hex)) return { code: parseInt(hex, 16), length: 6 };
    } else if (d === "\\" || d === '"' || d === "/") return { code: d.charCodeAt(0), length: 2 };
  }
  if (form === "bytes" && c === 0xc2 && text.charCodeAt(i + 1) === ST) return { code: ST, length: 2 };
  return { code: c, length: 1 };
}

/**
 * Where the sequence introduced at i ends: past its final char or terminator; the end of the
 * text for one still arriving; just past the introducer for one that is malformed (the terminal
 * shows what follows it).
 */
function sequenceEnd(text: string, i: number, intro: Intro, form: AnsiForm): number {
  let j = i + intro.length;
  if (intro.code === CSI) return csiEnd(text, j, form, i + intro.length);
  if (intro.code === OSC) return stringEnd(text, j, form, i + intro.length);
  if (j >= text.length) return text.length;
  const u = unit(text, j, form);
  j += u.length;
  const c = u.code;
  if (c === 0x5b) return csiEnd(text, j, form, i + intro.length); // [
  if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return stringEnd(text, j, form, i + intro.length); // ] P X ^ _
  if (c >= 0x20 && c <= 0x2f) {
    // ESC intermediates final: `ESC ( B`
    for (let k = 0; k < 4 && j < text.length; k++) {
      const v = unit(text, j, form);
      j += v.length;
      if (v.code >= 0x30 && v.code <= 0x7e) return j;
      if (v.code < 0x20 || v.code > 0x2f) return i + intro.length;
    }
    return j >= text.length ? text.length : i + intro.length;
  }
  if (c >= 0x30 && c <= 0x7e) return j; // ESC 7, ESC =, ESC M, …
  return i + intro.length;
}

function csiEnd(text: string, j: number, form: AnsiForm, malformed: number): number {
  for (let k = 0; k < MAX_CSI; k++) {
    if (j >= text.length) return text.length;
    const u = unit(text, j, form);
    j += u.length;
    if (u.code >= 0x40 && u.code <= 0x7e) return j;
    if (u.code < 0x20 || u.code > 0x3f) return malformed;
  }
  return malformed;
}

/** OSC, DCS and the like: up to BEL or ST (`ESC \`, or C1 ST). */
function stringEnd(text: string, j: number, form: AnsiForm, malformed: number): number {
  for (let k = 0; k < MAX_STRING; k++) {
    if (j >= text.length) return text.length;
    const u = unit(text, j, form);
    j += u.length;
    if (u.code === BEL || u.code === ST) return j;
    if (u.code === ESC) {
      if (j >= text.length) return text.length;
      const v = unit(text, j, form);
      return v.code === 0x5c ? j + v.length : j - u.length; // another sequence begins: this one ends

    }
  }
  return malformed;
}
