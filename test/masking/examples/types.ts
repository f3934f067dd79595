// What each masking rule's tests are made of: secrets of the rule's documented format with random
// bodies (a new body every run, from a logged seed), and look-alikes it must leave alone. The
// property test (families.test.ts) puts every secret in every context (bare, in prose, quoted,
// assigned as `NAME=`, `"name": "` and `name: `, JSON-escaped, in ANSI colour and with a colour code
// inside it, split across stream chunks at every byte) and requires each masked as its rule.

/** A seeded random source: the same seed, the same bodies. */
export interface Rand {
  /** `n` chars drawn from `alphabet`. */
  chars(n: number, alphabet: string): string;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
}

export const ALPHABETS = {
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  lower: "abcdefghijklmnopqrstuvwxyz",
  digits: "0123456789",
  hex: "0123456789abcdef",
  HEX: "0123456789ABCDEF",
  upperDigits: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  base64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
} as const;

export interface RuleExamples {
  /**
   * Secrets of the rule's format (what must be masked: the whole string returned). Build them so
   * the source holds no literal that looks like a live token (split the prefix: "gh" + "p_").
   */
  secrets(rand: Rand): string[];
  /**
   * The text around a secret the rule needs to see it (a name, a header), when it is not found
   * bare: (s) => `HEROKU_API_KEY=${s}`. The property test still adds its own contexts around it.
   */
  around?(secret: string): string;
  /**
   * The name the property test assigns the secret to in its assignment forms (`NAME=s`,
   * `"NAME": "s"`, `NAME: s`), written as given, when the rule needs a particular name there
   * (`heroku_api_key`, `client_secret`). Without it: a neutral name (`SERVICE_TOKEN`) for a rule
   * with no `around`, and no assignment forms for one with an `around` (the context it needs is
   * a URL, a header or a command line, not an assignment).
   */
  assignedAs?: string;
  /** Texts nothing may be masked in: placeholders, documented examples, identifiers that start alike. */
  lookalikes: string[];
}

/** Rule id -> its examples. Every rule in RULES must have an entry (families.test.ts checks). */
export type Examples = Record<string, RuleExamples>;
