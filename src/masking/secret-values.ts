// Exact secret values to mask: every value the daemon served (vault.get) or injected into a
// session, with the forms they are commonly printed in: base64 (padded, unpadded, url-safe),
// URL-encoded, and JSON-escaped (as it stands inside a transcript's JSON line, with and without
// non-ASCII chars as \u escapes). Held in memory only; never written anywhere. Values masked once
// and no longer in memory (a vault locked, a daemon restarted) are recognised by their keyed
// digests (known-digests.ts) in texts, when a digest set is attached.
import { KnownDigests, type DigestEntry } from "./known-digests.js";

export const MIN_SECRET_LENGTH = 6; // shorter values would mask ordinary output

/** Above this many forms, one alternation regex finds them faster than an indexOf per form. */
const INDEXOF_MAX = 8;

export interface FormSet {
  /** Longest first, so a form containing another is matched whole. */
  forms: readonly string[];
  /** All forms as one global alternation (longest first), when there are many; else null. */
  pattern: RegExp | null;
  /** Values masked before, known by digest only (texts only: byte streams see live values). */
  known?: KnownDigests | null;
}

const NO_FORMS: FormSet = { forms: [], pattern: null };

/** What a SecretValues is made of, to rebuild it in a worker thread (values and digests are copied). */
export interface SecretsSnapshot {
  values: string[];
  digests: { key: Uint8Array; entries: DigestEntry[] } | null;
}

/** A value as it is commonly printed: itself, base64 (padded, unpadded, url-safe), URL-encoded, JSON-escaped. */
export function formsOf(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const b64 = bytes.toString("base64");
  const json = JSON.stringify(value).slice(1, -1);
  const asciiJson = json.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  return [...new Set([value, b64, b64.replace(/=+$/, ""), bytes.toString("base64url"), encodeURIComponent(value), json, asciiJson])];
}

export class SecretValues {
  /** latin1 views of each form's UTF-8 bytes (what byte masking sees), longest first. */
  private byteForms: string[] = [];
  /** The forms as JS strings (what text masking sees), longest first. */
  private textForms: string[] = [];
  private readonly seen = new Set<string>();
  private sets: { bytes?: FormSet; text?: FormSet } = {};
  private known: KnownDigests | null = null;
  /** Digests in `known` of values also held here: when all are, texts need no digest scan. */
  private covered = 0;
  private changes = 0;

  /** Rebuilds a snapshot (in a worker thread). */
  static from(snapshot: SecretsSnapshot): SecretValues {
    const s = new SecretValues();
    for (const v of snapshot.values) s.add(v);
    if (snapshot.digests) s.useDigests(new KnownDigests(Buffer.from(snapshot.digests.key), snapshot.digests.entries));
    return s;
  }

  snapshot(): SecretsSnapshot {
    return { values: this.values(), digests: this.known?.snapshot() ?? null };
  }

  /** Also masks, in texts, every token whose keyed digest is in `known`. */
  useDigests(known: KnownDigests): void {
    this.known = known;
    this.covered = 0;
    for (const v of this.seen) this.covered += this.knownForms(v);
    this.sets = {};
    this.changes++;
  }

  get digests(): KnownDigests | null {
    return this.known;
  }

  /** Bumped by every change (a value, digests): whoever copied the set compares it to know when to copy again. */
  get version(): number {
    return this.changes + this.seen.size + (this.known?.size ?? 0);
  }

  /**
   * Adds a value and remembers its forms' digests in the attached set: the entries that are new
   * there (to persist), or null when the value was known already (or too short to mask).
   */
  addRemembered(value: string): DigestEntry[] | null {
    if (!this.add(value)) return null;
    if (!this.known) return [];
    const added = this.known.remember(formsOf(value));
    this.covered += added.length;
    this.sets = {};
    return added;
  }

  private knownForms(value: string): number {
    return this.known ? formsOf(value).filter((f) => this.known!.has(f)).length : 0;
  }

  /** False when the value was known already (or too short to mask). */
  add(value: string): boolean {
    if (value.length < MIN_SECRET_LENGTH || this.seen.has(value)) return false;
    this.seen.add(value);
    this.covered += this.knownForms(value);
    for (const f of formsOf(value)) {
      if (f.length >= MIN_SECRET_LENGTH) this.textForms.push(f);
      const view = Buffer.from(f, "utf8").toString("latin1");
      if (view.length >= MIN_SECRET_LENGTH) this.byteForms.push(view);
    }
    this.byteForms = [...new Set(this.byteForms)].sort((a, b) => b.length - a.length);
    this.textForms = [...new Set(this.textForms)].sort((a, b) => b.length - a.length);
    this.sets = {};
    return true;
  }

  /** The values themselves, as added (to hand them to a worker thread, which builds its own set). */
  values(): string[] {
    return [...this.seen];
  }

  get size(): number {
    return this.seen.size;
  }

  /** Every form as latin1 views of its bytes, longest first (so a form containing another is matched whole). */
  all(): readonly string[] {
    return this.byteForms;
  }

  /** Every form as a JS string, longest first. */
  texts(): readonly string[] {
    return this.textForms;
  }

  /** The forms to look for in latin1-viewed bytes or in JS strings, with their scan pattern. */
  formSet(kind: "bytes" | "text"): FormSet {
    const cached = this.sets[kind];
    if (cached) return cached;
    const forms = kind === "bytes" ? this.byteForms : this.textForms;
    // Values held here are found by their forms: the digest scan is for those that are not.
    const known = kind === "text" && this.known && this.known.size > this.covered ? this.known : null;
    const set: FormSet =
      forms.length === 0
        ? known
          ? { ...NO_FORMS, known }
          : NO_FORMS
        : { forms, pattern: forms.length > INDEXOF_MAX ? new RegExp(forms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g") : null, known };
    this.sets[kind] = set;
    return set;
  }
}
