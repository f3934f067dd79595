// Values masked once stay masked: a keyed hash (BLAKE2b keyed by the daemon's own key, 16 bytes)
// of every form of every value ever masked, with its length. With the vault locked and the values
// gone from memory, a rebuild or an import still recognises them: the candidate tokens of a text
// whose length is one of the known lengths are hashed and looked up. The set holds digests and
// lengths, never a value; without the key a digest cannot be checked against a guess.
import { createRequire } from "node:module";

interface Generichash {
  crypto_generichash(out: Buffer, input: Buffer, key?: Buffer): void;
}
let lib: Generichash | undefined;
const sodium = (): Generichash => (lib ??= createRequire(import.meta.url)("sodium-native") as Generichash);

export const DIGEST_BYTES = 16;
export const DAEMON_KEY_BYTES = 32;
/** Candidate tokens of plausible secret length. */
export const MIN_TOKEN = 8;
export const MAX_TOKEN = 512;

/**
 * Per UTF-16 code unit (a 64 KiB table: one load per char, no branch on the range): 1 ends a token
 * (whitespace, quotes, brackets, list separators, backslashes: JSON escapes); 2 may begin a part
 * inside one (`KEY=value`, `user:pass@host`); 0 is part of a token.
 */
const CLASS = new Uint8Array(65536);
for (const c of " \t\n\r\f\v\"'`<>()[]{},;\\|") CLASS[c.charCodeAt(0)] = 1;
for (const c of "=:@/?&#") CLASS[c.charCodeAt(0)] = 2;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** Four hex digits at i (the rest of a `\uXXXX` escape). */
const hex4 = (text: string, i: number) =>
  isHex(text.charCodeAt(i)) && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3));

/** A span of text to mask (the shape find.ts uses). */
export interface Match {
  start: number;
  end: number;
  rule: string;
}

/**
 * One entry: a form's length (in UTF-16 code units, as texts are searched), its keyed digest
 * (hex), and a 12-bit keyed tag that a candidate must have before it is hashed at all (computed in
 * a few instructions per char; says nothing without the key).
 */
export type DigestEntry = [length: number, digest: string, tag: number];
const TAG_BITS = 12;

/** Every string in a parsed JSON value with the known tokens in it masked; the value itself when none is. */
export function maskKnown(value: unknown, known: KnownDigests): unknown {
  if (typeof value === "string") {
    const found = known.find(value);
    if (found.length === 0) return value;
    let out = "";
    let pos = 0;
    for (const m of found) {
      out += value.slice(pos, m.start) + "[MASKED:secret]";
      pos = m.end;
    }
    return out + value.slice(pos);
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((v, i) => {
      const m = maskKnown(v, known);
      if (m !== v) (out ??= value.slice())[i] = m;
    });
    return out ?? value;
  }
  if (value !== null && typeof value === "object") {
    let out: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(value)) {
      const m = maskKnown(v, known);
      if (m !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = m;
    }
    return out ?? value;
  }
  return value;
}

export class KnownDigests {
  private readonly digests = new Set<string>();
  private readonly entries = new Map<string, DigestEntry>();
  /** Which lengths known forms have: the prefilter, so most tokens are never hashed. */
  private readonly lengths = new Uint8Array(MAX_TOKEN + 1);
  /** Tags of known forms, one bit each. */
  private readonly tags = new Uint8Array(1 << (TAG_BITS - 3));
  private readonly seed: number;
  private minLength = Infinity;
  /** Separator positions in the current run (reused: no allocation per run). */
  private readonly seps: number[] = [];
  private readonly out = Buffer.alloc(DIGEST_BYTES);

  constructor(
    private readonly key: Buffer,
    entries: Iterable<DigestEntry> = [],
  ) {
    if (key.length !== DAEMON_KEY_BYTES) throw new Error(`a digest key has ${DAEMON_KEY_BYTES} bytes`);
    const seed = Buffer.alloc(DIGEST_BYTES);
    sodium().crypto_generichash(seed, Buffer.from("warden tag seed"), key);
    this.seed = seed.readUInt32LE(0);
    for (const e of entries) this.put(e);
  }

  get size(): number {
    return this.digests.size;
  }

  /** The key and entries, to rebuild the set in a worker thread. */
  snapshot(): { key: Buffer; entries: DigestEntry[] } {
    return { key: this.key, entries: [...this.entries.values()] };
  }

  /** Adds the forms of a value (MIN_TOKEN..MAX_TOKEN chars); returns the entries that are new. */
  remember(forms: readonly string[]): DigestEntry[] {
    const added: DigestEntry[] = [];
    for (const f of forms) {
      if (f.length < MIN_TOKEN || f.length > MAX_TOKEN) continue;
      const e: DigestEntry = [f.length, this.digest(f), this.tag(f, 0, f.length)];
      if (this.put(e)) added.push(e);
    }
    return added;
  }

  /** Whether `token`'s keyed digest is in the set. */
  has(token: string): boolean {
    return this.known(token.length) && this.tagged(this.tag(token, 0, token.length)) && this.digests.has(`${token.length}:${this.digest(token)}`);
  }

  /**
   * Every candidate token of `text` whose digest is known, as `secret` matches (in text order): each
   * maximal run of token chars, and within a run, each piece between separators and the rest of the
   * run after one (a base64 value holds '/' and '='). Only a candidate of a known length is hashed;
   * runs shorter than every known form are skipped a window at a time, and a run is read at most twice.
   */
  find(text: string): Match[] {
    const found: Match[] = [];
    if (this.digests.size === 0 || text.length < MIN_TOKEN) return found;
    const seps = this.seps;
    const n = text.length;
    const min = this.minLength;
    // Runs shorter than any known form are skipped a window at a time: the window of `min` chars
    // from a run's start is checked from its right end, so a delimiter there moves past the whole
    // window at once. Chars in [start, clean] are known to be token chars (each is read once).
    let start = 0;
    let clean = -1;
    while (start + min <= n) {
      const last = start + min - 1;
      const stop = clean >= start ? clean : start - 1;
      let q = last;
      while (q > stop && CLASS[text.charCodeAt(q)] !== 1) q--;
      if (q > stop) {
        clean = last;
        start = q + 1;
        continue;
      }
      let end = last + 1;
      while (end < n && CLASS[text.charCodeAt(end)] !== 1) end++;
      let nseps = 0;
      for (let i = start; i < end; i++) if (CLASS[text.charCodeAt(i)] === 2) seps[nseps++] = i;
      if (nseps > 0 || this.known(end - start) || text.charCodeAt(start - 1) === 0x5c) this.run(text, start, end, nseps, found);
      start = end + 1;
    }
    return found;
  }

  private run(text: string, from: number, to: number, nseps: number, found: Match[]): void {
    const seps = this.seps;
    // After a JSON escape (`\n`, `\u00e9`: a raw transcript line), the token starts past its letters.
    if (text.charCodeAt(from - 1) === 0x5c) from += text.charCodeAt(from) === 0x75 && hex4(text, from + 1) ? 5 : 1;
    if (this.hit(text, from, to)) return void found.push({ start: from, end: to, rule: "secret" });
    let piece = from;
    for (let k = 0; k <= nseps; k++) {
      const s = k < nseps ? seps[k]! : to;
      if (s < from) continue;
      if (this.hit(text, piece, s)) found.push({ start: piece, end: s, rule: "secret" });
      else if (s < to && piece > from && this.hit(text, piece, to)) return void found.push({ start: piece, end: to, rule: "secret" });
      piece = s + 1;
    }
  }

  private hit(text: string, from: number, to: number): boolean {
    const n = to - from;
    return n >= MIN_TOKEN && this.known(n) && this.tagged(this.tag(text, from, to)) && this.digests.has(`${n}:${this.digest(text.slice(from, to))}`);
  }

  /** FNV-1a over the UTF-16 code units, seeded from the key, folded to TAG_BITS. */
  private tag(text: string, from: number, to: number): number {
    let h = this.seed;
    for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return (h ^ (h >>> 16)) & ((1 << TAG_BITS) - 1);
  }

  /** Whether some known form has this length. */
  private known(length: number): boolean {
    return length <= MAX_TOKEN && this.lengths[length] === 1;
  }

  private tagged(tag: number): boolean {
    return (this.tags[tag >>> 3]! & (1 << (tag & 7))) !== 0;
  }

  private digest(token: string): string {
    sodium().crypto_generichash(this.out, Buffer.from(token, "utf8"), this.key);
    return this.out.toString("hex");
  }

  private put(e: DigestEntry): boolean {
    const [length, digest, tag] = e;
    const k = `${length}:${digest}`;
    if (this.digests.has(k)) return false;
    this.digests.add(k);
    this.entries.set(k, e);
    this.tags[tag >>> 3]! |= 1 << (tag & 7);
    this.minLength = Math.min(this.minLength, length);
    if (length <= MAX_TOKEN) this.lengths[length] = 1;
    return true;
  }
}
