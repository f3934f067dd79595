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

/** Maximal runs of what may be one token: no whitespace, quotes, brackets, separators of lists, or backslashes (JSON escapes). */
const RUN = /[^\s"'`<>()[\]{},;\\|]{8,}/g;
/** Inside a run, where an assignment or a URL part may begin: `KEY=value`, `user:pass@host`. */
const PIECE = /[^=:@/?&#]{8,}/g;

/** One entry: a form's length (in UTF-16 code units, as texts are searched) and its keyed digest (hex). */
/** A span of text to mask (the shape find.ts uses). */
export interface Match {
  start: number;
  end: number;
  rule: string;
}

export type DigestEntry = [length: number, digest: string];

export class KnownDigests {
  private readonly digests = new Set<string>();
  /** How many digests of each length: the prefilter, so most tokens are never hashed. */
  private readonly lengths = new Map<number, number>();
  private readonly out = Buffer.alloc(DIGEST_BYTES);

  constructor(
    private readonly key: Buffer,
    entries: Iterable<DigestEntry> = [],
  ) {
    if (key.length !== DAEMON_KEY_BYTES) throw new Error(`a digest key has ${DAEMON_KEY_BYTES} bytes`);
    for (const e of entries) this.put(e);
  }

  get size(): number {
    return this.digests.size;
  }

  /** The key and entries, to rebuild the set in a worker thread. */
  snapshot(): { key: Buffer; entries: DigestEntry[] } {
    return { key: this.key, entries: [...this.digests].map((k) => [Number(k.slice(0, k.indexOf(":"))), k.slice(k.indexOf(":") + 1)]) };
  }

  /** Adds the forms of a value (MIN_TOKEN..MAX_TOKEN chars); returns the entries that are new. */
  remember(forms: readonly string[]): DigestEntry[] {
    const added: DigestEntry[] = [];
    for (const f of forms) {
      if (f.length < MIN_TOKEN || f.length > MAX_TOKEN) continue;
      const e: DigestEntry = [f.length, this.digest(f)];
      if (this.put(e)) added.push(e);
    }
    return added;
  }

  /** Whether `token`'s keyed digest is in the set. */
  has(token: string): boolean {
    return this.lengths.has(token.length) && this.digests.has(`${token.length}:${this.digest(token)}`);
  }

  /** Every candidate token of `text` whose digest is known, as `secret` matches (may overlap; in text order). */
  find(text: string): Match[] {
    const found: Match[] = [];
    if (this.digests.size === 0 || text.length < MIN_TOKEN) return found;
    RUN.lastIndex = 0;
    for (let r = RUN.exec(text); r; r = RUN.exec(text)) {
      // After a JSON escape (`\n`, `\u00e9`: a raw transcript line), the token starts past its letters.
      const skip = text.charCodeAt(r.index - 1) === 0x5c ? (/^u[0-9a-fA-F]{4}/.test(r[0]) ? 5 : 1) : 0;
      const run = skip > 0 ? r[0].slice(skip) : r[0];
      const at = r.index + skip;
      if (this.has(run)) {
        found.push({ start: at, end: at + run.length, rule: "secret" });
        continue;
      }
      if (!/[=:@/?&#]/.test(run)) continue;
      PIECE.lastIndex = 0;
      for (let p = PIECE.exec(run); p; p = PIECE.exec(run)) {
        // A piece, and the rest of the run from it (a base64 value holds '/' and '=').
        const rest = run.slice(p.index);
        const hit = this.has(p[0]) ? p[0] : rest !== p[0] && this.has(rest) ? rest : null;
        if (hit) {
          found.push({ start: at + p.index, end: at + p.index + hit.length, rule: "secret" });
          if (hit === rest) break;
        }
      }
    }
    return found;
  }

  private digest(token: string): string {
    sodium().crypto_generichash(this.out, Buffer.from(token, "utf8"), this.key);
    return this.out.toString("hex");
  }

  private put([length, digest]: DigestEntry): boolean {
    const k = `${length}:${digest}`;
    if (this.digests.has(k)) return false;
    this.digests.add(k);
    this.lengths.set(length, (this.lengths.get(length) ?? 0) + 1);
    return true;
  }
}
