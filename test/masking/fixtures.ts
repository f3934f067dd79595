// Fake credentials for the masking tests, built at run time: the source holds no string that looks
// like a live token to a secret scanner (GitHub push protection), yet each has the real format and
// a random-looking body, as the rules require (a body like "aaaa…" is a placeholder to them).

const ALNUM = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYzCcD8eF2gH4iJ6kM0nP9qR1sT3uV5wX7y";

/** `n` varied chars from `alphabet`, different for each `seed`. */
export function fake(n: number, seed = 1, alphabet = ALNUM): string {
  let out = "";
  let x = seed * 7919 + 17;
  for (let i = 0; i < n; i++) {
    // mulberry32
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out += alphabet[Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * alphabet.length)];
  }
  return out;
}

const LETTERS = "abcdefghijkLMNOPQRSTUVWxyzABCDEFGHIJKlmnopqrstuvwXYZ";
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX = "0123456789abcdef";
const B64URL = ALNUM + "-_";

/** One realistic fake per rule (seed varies the body). */
export const tokens = {
  aws: (seed = 1) => "AK" + "IA" + fake(16, seed, UPPER_DIGITS),
  github: (seed = 1) => "gh" + "p_" + fake(36, seed),
  githubOauth: (seed = 1) => "gh" + "o_" + fake(36, seed),
  githubFine: (seed = 1) => "github" + "_pat_" + fake(22, seed) + "_" + fake(59, seed + 1),
  gitlab: (seed = 1) => "gl" + "pat-" + fake(20, seed, B64URL),
  gitlabDeploy: (seed = 1) => "gl" + "dt-" + fake(20, seed, B64URL),
  gitlabRunner: (seed = 1) => "GR" + "1348941" + fake(20, seed, B64URL),
  slackBot: (seed = 1) => "xo" + "xb-" + fake(12, seed, "0123456789") + "-" + fake(13, seed + 1, "0123456789") + "-" + fake(24, seed + 2),
  slackUser: (seed = 1) => "xo" + "xp-" + fake(12, seed, "0123456789") + "-" + fake(12, seed + 1, "0123456789") + "-" + fake(32, seed + 2, HEX),
  slackWebhookPath: (seed = 1) => "T" + fake(8, seed, UPPER_DIGITS) + "/B" + fake(8, seed + 1, UPPER_DIGITS) + "/" + fake(24, seed + 2),
  openaiProject: (seed = 1) => "sk-" + "proj-" + fake(74, seed, B64URL) + "T3Blbk" + "FJ" + fake(74, seed + 1, B64URL),
  openaiLegacy: (seed = 1) => "sk-" + fake(20, seed) + "T3Blbk" + "FJ" + fake(20, seed + 1),
  openaiService: (seed = 1) => "sk-" + "svcacct-" + fake(60, seed, B64URL),
  anthropic: (seed = 1) => "sk-" + "ant-api03-" + fake(93, seed, B64URL) + "AA",
  anthropicAdmin: (seed = 1) => "sk-" + "ant-admin01-" + fake(93, seed, B64URL) + "AA",
  stripeLive: (seed = 1) => "sk" + "_live_" + fake(24, seed),
  stripeRestricted: (seed = 1) => "rk" + "_live_" + fake(24, seed),
  stripeTest: (seed = 1) => "sk" + "_test_" + fake(24, seed),
  google: (seed = 1) => "AI" + "za" + fake(35, seed, B64URL),
  npm: (seed = 1) => "np" + "m_" + fake(36, seed),
  pypi: (seed = 1) => "pypi-" + "AgEIcHlwaS5vcmc" + fake(70, seed, B64URL),
  huggingface: (seed = 1) => "hf" + "_" + fake(34, seed, LETTERS),
  sendgrid: (seed = 1) => "SG" + "." + fake(22, seed, B64URL) + "." + fake(43, seed + 1, B64URL),
  jwt: (seed = 1) => "ey" + "JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".ey" + "J" + fake(60, seed, B64URL) + "." + fake(43, seed + 1, B64URL),
  hex: (n: number, seed = 1) => fake(n, seed, HEX),
  /** A PEM body: base64 lines of 64 chars. */
  pemBody: (lines: number, seed = 1) => Array.from({ length: lines }, (_, i) => fake(64, seed + i, ALNUM + "+/")),
};

export function pem(kind: string, lines = 6, newline = "\n", seed = 1): string {
  const label = `${kind ? kind + " " : ""}PRIVATE KEY`;
  return [`-----BEGIN ${label}-----`, ...tokens.pemBody(lines, seed), `-----END ${label}-----`].join(newline);
}
