// Examples for the rules of src/masking/rules.ts and private-key.ts (see types.ts): the token
// formats warden had before the families files, the URL credentials, the generic assignments and
// the passwords. Bodies are random; prefixes are split so the source holds no token-like literal.
import { classChanges } from "../../../src/masking/allowlist.js";
import { ALPHABETS as A, type Examples, type Rand } from "./types.js";

/**
 * A random alphanumeric key as generic_secret defines one: its class (lower, upper, digit) changes
 * at a fifth of its chars or more. Fewer is how words and identifiers look, which the rule leaves
 * by design (allowlist.ts genericSecret); about one random draw in a few hundred falls there
 * (WD_MASK_SEED=1955680608 drew LO3HarVZIOelobjEXUepVWVZdhk), and is drawn again.
 */
function randomKey(rand: Rand): string {
  for (;;) {
    const s = rand.chars(rand.int(20, 48), A.alnum);
    if (/[0-9]/.test(s) && classChanges(s) >= s.length / 5) return s;
  }
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** A PEM block of `kind` with random base64 lines (the last one shorter, padded). */
function pem(rand: Rand, kind: string, newline = "\n"): string {
  const label = `${kind ? kind + " " : ""}PRIVATE KEY`;
  const lines = Array.from({ length: rand.int(3, 8) }, () => rand.chars(64, A.base64));
  lines.push(rand.chars(rand.int(8, 60), A.base64) + "==");
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join(newline);
}

/** A password a person chose: a word, digits, a symbol (random enough for the password bar, not for the generic one). */
function humanPassword(rand: Rand): string {
  const word = rand.pick(["Summer", "Hunter", "Dragon", "Monkey", "Sunshine", "Princess", "Football", "Shadow", "Master", "Welcome"]);
  const lower = rand.pick(["blue", "red", "happy", "lucky", "green"]);
  return rand.pick([word, lower + word]) + rand.chars(rand.int(2, 4), A.digits) + rand.pick(["!", "@", "#", "%", "!!"]);
}

export const CORE_EXAMPLES: Examples = {
  private_key: {
    secrets: (rand) => [pem(rand, "RSA"), pem(rand, "OPENSSH"), pem(rand, "EC"), pem(rand, ""), pem(rand, "ENCRYPTED"), pem(rand, "DSA", "\r\n")],
    lookalikes: [
      "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
      "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
      `if (s.startsWith("-----BEGIN RSA PRIVATE KEY-----")) return s.endsWith("-----END RSA PRIVATE KEY-----");`,
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEexampleexampleexampleexample\n-----END PUBLIC KEY-----",
      "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ3dZq2bW9Yk7x5cJtN8pR0aVhHowCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----",
    ],
  },
  aws_access_key: {
    secrets: (rand) => [
      "AK" + "IA" + rand.chars(16, B32),
      "AS" + "IA" + rand.chars(16, B32),
      rand.pick(["AROA", "AIDA", "ANPA", "AGPA"]) + rand.chars(16, B32),
      "A3" + "T" + rand.chars(17, A.upperDigits),
    ],
    lookalikes: [
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
      "ASIA PACIFIC REGION",
      "AKIA" + "A".repeat(16),
      "AKIA1234 is too short",
      "XAKIA" + "QWERTYUIOPASDFGH",
    ],
  },
  github: {
    secrets: (rand) => [
      ...["p", "o", "u", "s", "r"].map((c) => "gh" + c + "_" + rand.chars(36, A.alnum)),
      "github" + "_pat_" + rand.chars(22, A.alnum) + "_" + rand.chars(59, A.alnum),
    ],
    lookalikes: ["ghp_" + "x".repeat(36), "ghp_short", "github_pat_your_token_goes_here_please", "ghp_" + "0".repeat(36), "gh_pages_deploy"],
  },
  gitlab: {
    secrets: (rand) => [
      ...["pat", "dt", "rt", "ptt", "ft", "imt", "agent", "soat", "cbt", "oas", "ffct"].map((p) => "gl" + p + "-" + rand.chars(20, A.alnum)),
      "glpat-" + rand.chars(27, A.base64url).replace(/^[-_]/, "a") + "." + rand.chars(2, A.alnum) + "." + rand.chars(9, A.alnum),
      "GR13" + "48941" + rand.chars(20, A.alnum),
    ],
    lookalikes: ["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-short", "glpat-your-personal-token-here", "gloss-over-the-details-2024"],
  },
  slack_webhook: {
    secrets: (rand) => [
      "T" + rand.chars(8, A.upperDigits) + "/B" + rand.chars(10, A.upperDigits) + "/" + rand.chars(24, A.alnum),
      "T" + rand.chars(10, A.upperDigits) + "/A" + rand.chars(10, A.upperDigits) + "/" + rand.chars(18, A.digits) + "/" + rand.chars(32, A.hex),
    ],
    around: (s) => `https://hooks.slack.com/${s.includes("/A") ? "workflows" : "services"}/${s}`,
    lookalikes: ["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "see https://hooks.slack.com/ for details"],
  },
  slack: {
    secrets: (rand) => [
      "xo" + "xb-" + rand.chars(12, A.digits) + "-" + rand.chars(13, A.digits) + "-" + rand.chars(24, A.alnum),
      "xo" + "xp-" + rand.chars(12, A.digits) + "-" + rand.chars(12, A.digits) + "-" + rand.chars(13, A.digits) + "-" + rand.chars(32, A.hex),
      "xo" + "xe.xoxp-1-" + rand.chars(140, A.alnum),
      "xo" + rand.pick(["xa", "xr", "xs"]) + "-" + rand.chars(10, A.digits) + "-" + rand.chars(30, A.alnum),
    ],
    lookalikes: ["xoxb-not-a-real-token-just-docs", "xoxb-123", "xoxp-xxxxxxxxxx-xxxxxxxxxx"],
  },
  anthropic: {
    secrets: (rand) => ["sk-" + "ant-api03-" + rand.chars(93, A.base64url) + "AA", "sk-" + "ant-admin01-" + rand.chars(93, A.base64url) + "AA"],
    lookalikes: ["sk-ant-xxxxxxxxxxxxxxxxxxxxxxxx", "sk-ant-api03-your-key-here-please-ok", "sk-ant-"],
  },
  openai: {
    secrets: (rand) => [
      "sk-" + "proj-" + rand.chars(74, A.base64url) + "T3Blbk" + "FJ" + rand.chars(74, A.base64url),
      "sk-" + rand.chars(20, A.alnum) + "T3Blbk" + "FJ" + rand.chars(20, A.alnum),
      "sk-" + "svcacct-" + rand.chars(60, A.base64url),
      "sk-" + "admin-" + rand.chars(60, A.base64url),
      "sk-" + rand.chars(48, A.alnum),
    ],
    lookalikes: [
      "pip install sk-learn-intelex-integration-2024",
      "sk-your-api-key-here-xxxxxxxxxx",
      "sk-proj-" + "x".repeat(40),
      "task-1234567890abcdefGHIJKL",
      "class sk-button-primary-2xl-Hover",
    ],
  },
  stripe: {
    secrets: (rand) => [
      ...["sk_live_", "rk_live_", "sk_test_", "rk_test_"].map((p) => p.slice(0, 2) + p.slice(2) + rand.chars(rand.int(24, 99), A.alnum)),
      "wh" + "sec_" + rand.chars(32, A.alnum),
    ],
    lookalikes: ["pk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_short"],
  },
  google_api_key: {
    secrets: (rand) => ["AI" + "za" + rand.chars(35, A.base64url)],
    lookalikes: ["AIza" + "SyA1b2C3d4 too short", "AIzaSyEXAMPLEEXAMPLEEXAMPLEEXAMPLE12"],
  },
  npm: {
    secrets: (rand) => ["np" + "m_" + rand.chars(36, A.alnum)],
    lookalikes: ["npm_config_cache=/home/u/.npm", "npm_" + "x".repeat(36), "npm_lifecycle_event=test"],
  },
  pypi: {
    secrets: (rand) => [
      "pypi-" + "AgEIcHlwaS5vcmc" + rand.chars(rand.int(60, 180), A.base64url),
      "pypi-" + "AgENdGVzdC5weXBpLm9yZw" + rand.chars(70, A.base64url),
    ],
    lookalikes: ["pypi-AgEIcHlwaS5vcmc" + "x".repeat(60), "pypi-token", "pip download pypi-AgE"],
  },
  huggingface: {
    secrets: (rand) => ["hf" + "_" + rand.chars(34, A.upper + A.lower), "hf" + "_" + rand.chars(37, A.alnum)],
    lookalikes: ["from huggingface_hub import hf_hub_download", "hf_" + "abcdefghijklmnopqrstuvwxyzabcdefgh", "hf_" + "x".repeat(34)],
  },
  sendgrid: {
    secrets: (rand) => ["SG" + "." + rand.chars(22, A.base64url) + "." + rand.chars(43, A.base64url)],
    lookalikes: ["msg.content SG.foo.bar", "SG." + "x".repeat(22) + "." + "x".repeat(43)],
  },
  jwt: {
    secrets: (rand) => [
      b64url(JSON.stringify({ alg: "HS256", typ: "JWT" })) +
        "." +
        b64url(JSON.stringify({ sub: rand.chars(12, A.alnum), iat: rand.int(1e9, 2e9) })) +
        "." +
        rand.chars(43, A.base64url),
      b64url(JSON.stringify({ alg: "RS256", kid: rand.chars(16, A.hex) })) +
        "." +
        b64url(JSON.stringify({ iss: "https://auth.example.org/", aud: rand.chars(20, A.alnum), exp: rand.int(1e9, 2e9) })) +
        "." +
        rand.chars(342, A.base64url),
    ],
    lookalikes: [
      "eyJhbGciOiJIUzI1NiJ9 is only a header",
      "data:application/json;base64,eyJhIjoxfQ==",
      "eyJ" + "a".repeat(20) + ".eyJ" + "b".repeat(20) + "." + "c".repeat(20),
    ],
  },
  url_credentials: {
    secrets: (rand) => [rand.chars(rand.int(12, 24), A.alnum), rand.chars(8, A.alnum) + "!" + rand.chars(6, A.alnum), "p@ss" + rand.chars(10, A.alnum)],
    around: (s) => `postgres://app:${s}@db.internal:5432/app`,
    lookalikes: [
      "https://user:password@example.com",
      "https://u:${PASS}@h",
      "postgres://user:${DB_PASSWORD}@db/app",
      "https://u:xxx@h",
      "https://host:8080/path",
      "ssh://git@github.com/org/repo.git",
      "see user:pass@host",
    ],
  },
  generic_secret: {
    secrets: (rand) => [randomKey(rand), rand.chars(rand.int(32, 64), A.hex)],
    around: (s) => `API_KEY=${s}`,
    assignedAs: "client_secret",
    lookalikes: [
      "token: string;",
      "const apiKey: string | undefined = process.env.API_KEY;",
      "API_KEY=${API_KEY}",
      "api_key=<your-api-key>",
      "password: changeme",
      "secret=xxxxxxxxxxxx",
      "key: 550e8400-e29b-41d4-a716-446655440000",
      '"tokenizer": "cl100k_base"',
      "PWD=/usr/lib/x86_64-linux-gnu/libssl.so.3",
      '"usage":{"input_tokens":12345,"cache_read_input_tokens":987654321,"output_tokens":512}',
      "token_expires: 2025-01-15T10:00:00Z",
      "secret: {{ secrets.API_TOKEN }}",
      "password=[MASKED:password]",
    ],
  },
  password: {
    secrets: (rand) => [humanPassword(rand), humanPassword(rand), humanPassword(rand)],
    around: (s) => `deploy --password ${s} --verbose`,
    assignedAs: "db_password",
    lookalikes: [
      "mkdir -p foo2bar",
      "ssh -p 2222 host",
      "def login(user: str, password: str) -> bool:",
      "password=password",
      "password = newPassword",
      "app --password ${PASS}",
      "docker login --password-stdin",
      "password: Uint8Array",
    ],
  },
};
