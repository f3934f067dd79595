// Every way a secret is written around it (issue 12, "whole contexts"): code, config, shell
// history, HTTP logs, XML, names that say secret without the usual words. Each context's random
// secrets are masked in plain text, in a JSON transcript line, in ANSI colour and through the stream
// masker cut anywhere; its look-alikes are left alone. Bodies are random from a seed printed in the
// suite's name; WD_MASK_SEED=<seed> reproduces a run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LineChecker } from "../../src/masking/check.js";
import { maskText, StreamMasker } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { seeded, SEED } from "./examples/rand.js";

const none = new SecretValues();
const mask = (text: string) => maskText(text, none).text;

const rand = seeded(SEED);
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "23456789";
const ALNUM = LOWER + UPPER + DIGITS;
/**
 * A random API key: 32 to 44 chars, every class in it, digits as often as in base62 (keys nearly
 * all letters can pass for identifiers to the generic rule's allowlist).
 */
const key = () => rand.chars(1, LOWER) + rand.chars(1, UPPER) + rand.chars(1, DIGITS) + rand.chars(rand.int(29, 41), ALNUM + DIGITS);
/** A person's password: a word, digits, a symbol (not random enough for a key, a password all the same). */
const password = () => rand.chars(1, UPPER) + rand.chars(rand.int(4, 7), LOWER) + rand.chars(rand.int(2, 4), DIGITS) + rand.chars(1, "!#%*");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
/** A JWT with no signature: `alg: none`, random claims. */
const unsignedJwt = () =>
  `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(`{"sub":"${rand.chars(12, ALNUM)}","iat":${rand.int(1_600_000_000, 1_800_000_000)}}`)}`;
const signedJwt = () => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"${rand.chars(12, ALNUM)}"}`)}.${rand.chars(43, ALNUM + "-_")}`;

interface Context {
  name: string;
  /** The secret (what must be masked) and the text it is written in. */
  make(): { secret: string; text: string };
  /** The rule(s) it may be masked as. */
  rules: readonly string[];
  /** Found by its own prefix alone (no name before it). */
  prefix?: boolean;
}

const ASSIGNED = ["generic_secret", "password"];
const withKey = (f: (s: string) => string, rules = ASSIGNED) => ({ make: () => ((s) => ({ secret: s, text: f(s) }))(key()), rules });
const withPassword = (f: (s: string) => string, rules = ASSIGNED) => ({ make: () => ((s) => ({ secret: s, text: f(s) }))(password()), rules });

const CONTEXTS: Context[] = [
  // Code
  { name: "Go var with a type", ...withKey((s) => `var apiKey string = "${s}"`) },
  { name: "Go const with a type, a password", ...withPassword((s) => `const dbPassword string = "${s}"`) },
  { name: "Go :=", ...withKey((s) => `\tapiKey := "${s}"`) },
  { name: "TypeScript typed const", ...withKey((s) => `const apiToken: string = '${s}';`) },
  { name: "Kotlin val with a type", ...withPassword((s) => `val password: String = "${s}"`) },
  { name: "Rust let with a type", ...withKey((s) => `let api_key: &str = "${s}";`) },
  { name: "PHP .=", ...withPassword((s) => `$password .= "${s}";`) },
  { name: "PHP define", ...withPassword((s) => `define('DB_PASSWORD', '${s}');`) },
  { name: "Java System.setProperty", ...withPassword((s) => `System.setProperty("db.password", "${s}");`) },
  { name: "Go os.Setenv", ...withKey((s) => `os.Setenv("API_KEY", "${s}")`) },
  { name: "Python keyword argument", ...withKey((s) => `client = Client(api_key="${s}", timeout=5)`) },
  { name: "Python dict", ...withPassword((s) => `creds = {'user': 'app', 'password': '${s}'}`) },
  { name: "Python auth tuple", ...withPassword((s) => `r = requests.get(url, auth=("admin", "${s}"))`) },
  { name: "JS object", ...withKey((s) => `const cfg = { clientSecret: "${s}", region: "eu" };`) },
  { name: "Java map put", ...withKey((s) => `headers.put("X-Api-Key", "${s}");`) },
  // Config and shell
  { name: "Make ?=", ...withKey((s) => `API_TOKEN ?= ${s}`) },
  { name: "Make ::=", ...withKey((s) => `API_TOKEN ::= ${s}`) },
  { name: "Make :::=", ...withKey((s) => `SECRET_KEY :::= ${s}`) },
  { name: "Make +=", ...withKey((s) => `AUTH_TOKEN += ${s}`) },
  { name: "YAML", ...withKey((s) => `service:\n  api_key: ${s}\n  region: eu`) },
  { name: "TOML", ...withKey((s) => `[auth]\ntoken = "${s}"`) },
  { name: "INI", ...withPassword((s) => `[database]\npassword=${s}\nhost=db`) },
  { name: ".env with export", ...withKey((s) => `export STRIPE_SECRET="${s}"`) },
  { name: "PowerShell $env:", ...withKey((s) => `$env:API_KEY = "${s}"`) },
  { name: "Terraform", ...withPassword((s) => `resource "aws_db_instance" "db" {\n  password = "${s}"\n}`) },
  { name: "Dockerfile ENV", ...withKey((s) => `ENV API_TOKEN=${s}`) },
  { name: "Dockerfile ARG", ...withKey((s) => `ARG NPM_TOKEN=${s}`) },
  { name: "Dockerfile ENV without =", ...withKey((s) => `FROM node:20\nENV NPM_TOKEN ${s}\nRUN npm ci`) },
  { name: "docker run -e", ...withPassword((s) => `docker run -e DB_PASSWORD=${s} -p 5432:5432 postgres`) },
  // XML
  { name: "XML element", ...withPassword((s) => `<db>\n  <password>${s}</password>\n</db>`) },
  { name: "XML add key/value", ...withKey((s) => `<appSettings>\n  <add key="ApiKey" value="${s}" />\n</appSettings>`) },
  { name: "XML entry key", ...withKey((s) => `<entry key="secret">${s}</entry>`) },
  { name: "XML property with a typed value", ...withPassword((s) => `<property name="password">\n  <value xsi:type="xsd:string">${s}</value>\n</property>`) },
  { name: "Hadoop name/value", ...withKey((s) => `<property>\n  <name>fs.s3a.secret.key</name>\n  <value>${s}</value>\n</property>`) },
  // curl and HTTP
  { name: "curl -u", ...withPassword((s) => `curl -s -u admin:${s} https://api.internal/v1`, ["password"]) },
  { name: "curl --user quoted", ...withPassword((s) => `curl -H "Accept: application/json" --user "deploy:${s}" https://ci.internal`, ["password"]) },
  { name: "curl -uuser:pass", ...withPassword((s) => `curl -ubob:${s} ftp://files.internal/`, ["password"]) },
  { name: "curl -H Authorization: Bearer", ...withKey((s) => `curl -H "Authorization: Bearer ${s}" https://api`) },
  { name: "curl -H X-Api-Key", ...withKey((s) => `curl -H 'X-Api-Key: ${s}' https://api`) },
  { name: "curl -H Private-Token", ...withKey((s) => `curl --header "Private-Token: ${s}" https://gitlab.internal/api/v4/projects`) },
  {
    name: "Authorization: Basic in a log",
    make: () =>
      ((s) => ({ secret: s, text: `> GET / HTTP/1.1\n> Authorization: Basic ${s}\n> Accept: */*` }))(Buffer.from(`bob:${password()}`).toString("base64")),
    rules: ASSIGNED,
  },
  {
    name: "Proxy-Authorization: Basic",
    make: () => ((s) => ({ secret: s, text: `Proxy-Authorization: Basic ${s}` }))(Buffer.from(`u:${password()}`).toString("base64")),
    rules: ASSIGNED,
  },
  {
    name: "Authorization: Token, a short one",
    make: () => ((s) => ({ secret: s, text: `authorization: Token ${s}` }))(rand.chars(4, LOWER) + rand.chars(4, DIGITS)),
    rules: ASSIGNED,
  },
  {
    name: "Cookie: a session cookie",
    make: () => ((s) => ({ secret: s, text: `> Cookie: _ga=GA1.2.1234.5678; sessionid=${s}; theme=dark` }))(key()),
    rules: ["session_cookie"],
  },
  {
    name: "Set-Cookie: a signed session",
    make: () => ((s) => ({ secret: s, text: `< Set-Cookie: connect.sid=${s}; Path=/; HttpOnly` }))("s%3A" + key() + "." + key()),
    rules: ["session_cookie"],
  },
  // JWTs
  { name: "unsigned JWT, empty signature", make: () => ((s) => ({ secret: s, text: `id_token=${s} end` }))(unsignedJwt() + "."), rules: ["jwt"] },
  { name: "unsigned JWT, no third part", make: () => ((s) => ({ secret: s, text: `cookie ${s} end` }))(unsignedJwt()), rules: ["jwt"], prefix: true },
  {
    name: "base64-wrapped JWT",
    make: () => ((s) => ({ secret: s, text: `blob ${s} end` }))(Buffer.from(signedJwt()).toString("base64")),
    rules: ["jwt"],
    prefix: true,
  },
  // Kubernetes Secret manifests
  {
    name: "Kubernetes Secret data, as kubectl get -o yaml writes it (kind after data)",
    make: () =>
      ((s) => ({ secret: s, text: `apiVersion: v1\ndata:\n  password: ${s}\n  username: YWRtaW4=\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque` }))(
        Buffer.from(rand.chars(rand.int(3, 12), LOWER)).toString("base64"),
      ),
    rules: ["kubernetes_secret"],
  },
  {
    name: "Kubernetes Secret data, a base64 JWT in it",
    make: () => ((s) => ({ secret: s, text: `kind: Secret\ndata:\n  token: ${s}` }))(Buffer.from(signedJwt()).toString("base64")),
    rules: ["kubernetes_secret"],
  },
  {
    name: "Kubernetes Secret stringData",
    make: () =>
      ((s) => ({ secret: s, text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  url: ${s}\n  config.yaml: |\n    level: debug` }))(
        rand.chars(rand.int(6, 20), LOWER),
      ),
    rules: ["kubernetes_secret"],
  },
  // Names that say secret without the usual words
  { name: "*_PAT", ...withKey((s) => `GH_PAT=${s}`) },
  { name: "*_pat", ...withKey((s) => `gh_pat = "${s}"`) },
  { name: "*Pat", ...withKey((s) => `githubPat: "${s}"`) },
  { name: "*_KEY", ...withKey((s) => `MAPBOX_KEY=${s}`) },
  { name: "*_SECRET", ...withPassword((s) => `APP_SECRET=${s}`) },
  { name: "*Token", ...withKey((s) => `refreshToken = "${s}"`) },
  { name: "credentials", ...withKey((s) => `credentials: ${s}`) },
  { name: "access_key", ...withKey((s) => `access_key = ${s}`) },
  { name: "private_key value", ...withKey((s) => `"private_key": "${s}"`) },
  { name: "signing_key", ...withKey((s) => `signing_key: ${s}`) },
  { name: "webhook_secret", ...withKey((s) => `webhook_secret="${s}"`) },
  { name: "dsn with a password", ...withKey((s) => `dsn: "postgres://app:${s}@db.internal:5432/app"`, ["url_credentials"]) },
];

/** Where a context's text is written. */
const AROUND: Array<[string, (text: string) => string]> = [
  ["alone", (t) => t],
  ["a JSON transcript line", (t) => JSON.stringify({ type: "tool_result", content: `$ cat config\n${t}\nexit 0` })],
  ["in ANSI colour", (t) => `\x1b[1;32m${t}\x1b[0m`],
];

/** The stream masker over `text` cut at `cut`. */
function streamed(text: string, cut: number): string {
  const m = new StreamMasker(none, 60_000);
  const bytes = Buffer.from(text, "latin1");
  const out = Buffer.concat([m.push(bytes.subarray(0, cut)), m.push(bytes.subarray(cut)), m.flush()]);
  return out.toString("latin1");
}

const marked = (text: string, rules: readonly string[]) => rules.some((r) => text.includes(`[MASKED:${r}]`));

describe(`secrets in every context (WD_MASK_SEED=${SEED})`, () => {
  for (const c of CONTEXTS) {
    describe(c.name, () => {
      const cases = Array.from({ length: 3 }, () => c.make());
      it("masks random secrets, alone, in a JSON line, in colour", () => {
        for (const { secret, text } of cases) {
          for (const [where, put] of AROUND) {
            const line = put(text);
            const out = mask(line);
            const inJson = JSON.stringify(secret).slice(1, -1);
            assert.ok(!out.includes(secret) && !out.includes(inJson), `${where}: not masked: ${JSON.stringify(out)}`);
            assert.ok(marked(out, c.rules), `${where}: masked as another rule: ${JSON.stringify(out)}`);
            if (where === "a JSON transcript line") assert.ok(JSON.parse(out), "still JSON");
          }
        }
      });
      it("masks them through a stream cut anywhere", () => {
        for (const { secret, text } of cases) {
          const line = `$ cat f\r\n${text}\r\n`;
          const at = line.indexOf(secret);
          assert.ok(marked(mask(line), c.rules));
          for (let cut = Math.max(1, at - 12); cut < at + secret.length; cut++) {
            // Nothing of it goes out before it is whole: the stream's output is maskText's.
            // (A token known by its prefix alone may lose its first one or two chars: three are needed to tell it.)
            const k = cut - at;
            const expected = c.prefix && k > 0 && k < 3 ? mask(line).replace("[MASKED:", secret.slice(0, k) + "[MASKED:") : mask(line);
            assert.equal(streamed(line, cut), expected, `cut at ${k} of ${JSON.stringify(line)}`);
          }
        }
      });
    });
  }
});

describe("Kubernetes lists", () => {
  it("masks a Secret's values in a List of items, and not a ConfigMap's next to it", () => {
    const pw = Buffer.from(password()).toString("base64");
    const list = [
      "apiVersion: v1",
      "items:",
      "- apiVersion: v1",
      "  data:",
      "    level: ZGVidWc=",
      "  kind: ConfigMap",
      "- apiVersion: v1",
      "  data:",
      `    password: ${pw}`,
      "  kind: Secret",
      "  metadata:",
      "    name: db",
      "kind: List",
    ].join("\n");
    assert.equal(mask(list), list.replace(pw, "[MASKED:kubernetes_secret]"));
  });
});

describe("warden mask --check on a Kubernetes Secret file (read line by line)", () => {
  const check = (lines: string[]) => {
    const c = new LineChecker();
    return [...lines.flatMap((l) => c.push(l)), ...c.end()].map((f) => [f.line, f.column, f.rule]);
  };
  it("finds the values of data: written before kind: Secret, once each, and not a ConfigMap's", () => {
    const user = Buffer.from(rand.chars(5, LOWER)).toString("base64");
    const lines = [
      "apiVersion: v1",
      "data:",
      `  token: ${key()}`,
      `  username: ${user}`,
      "kind: Secret",
      "metadata:",
      "  name: db",
      "---",
      "kind: ConfigMap",
      "data:",
      "  level: ZGVidWc=",
    ];
    assert.deepEqual(check(lines), [
      [3, 10, "generic_secret"], // found on its own line already: not again
      [4, 13, "kubernetes_secret"],
    ]);
  });
  it("finds stringData values after kind: Secret, at the document's end", () => {
    const lines = ["kind: Secret", "stringData:", `  url: ${rand.chars(12, LOWER)}`, "---", "kind: Pod"];
    assert.deepEqual(check(lines), [[3, 8, "kubernetes_secret"]]);
  });
});

describe("look-alikes in the same contexts are left alone", () => {
  const LOOKALIKES = [
    "host:port",
    "redis:6379",
    "key = getKey()",
    "token: ${{ secrets.X }}",
    "password: <your-password>",
    "const apiKey: string = process.env.API_KEY;",
    'var apiKey string = os.Getenv("API_KEY")',
    "var token string",
    "func (c *Client) token() string {",
    '  Token string `json:"token"`',
    'secretKey := []byte(os.Getenv("SECRET"))',
    'password: string = "";',
    'apiKey string = "abc"',
    "TOKEN ?= $(shell cat token.txt)",
    "TOKEN_FILE := ./secrets/token2.txt",
    "CFLAGS += -Wall",
    "$password .= $salt;",
    "define('DB_PASSWORD', getenv('DB_PASSWORD'));",
    'System.setProperty("javax.net.ssl.trustStorePassword", System.getenv("TRUST_PW"));',
    'fields = ["password", "token1234"]',
    'log.info("token", "Tok3nValidated")',
    '<input type="password">',
    '<label for="password">Password</label>',
    "const [t, setT] = useState<Token>(initial2)",
    '<add key="ApiKey" value="" />',
    '<add key="ApiKey" value="{ApiKey}" />',
    "<password>${DB_PASSWORD}</password>",
    "<password>changeme</password>",
    "<token>your-token-here</token>",
    "docker run -u 1000:1000 img",
    "curl -u user:password https://x",
    "curl -u $USER:$PASS https://x",
    "curl -u user: https://x",
    "git push -u origin main:main",
    "curl https://x | grep -u foo:bar12",
    "Authorization: Bearer <token>",
    "Authorization: Bearer $TOKEN",
    "Authorization: Bearer ${{ secrets.X }}",
    "Authorization: Basic ${BASIC_AUTH}",
    "authorization: str",
    '"Authorization": "Bearer " + token',
    'headers["Authorization"] = f"Bearer {token}"',
    "Authorization: Bearer [MASKED:github]",
    // JSON that starts like a JWT, and base64 that starts like a wrapped one.
    `${b64url('{"a":1234567890}')}.${b64url('{"b":23456789012}')}`,
    Buffer.from("eyJhbGciOiJIUzI1NiJ9 is only a header and nothing else").toString("base64"),
    "GH_PAT=${{ secrets.GH_PAT }}",
    "PATH=/usr/local/bin:/usr/bin",
    "compat=1a2b3c4d5e6f7g8h",
    "PAT: Hello there2",
    "ENV NODE_ENV production",
    "ENV TOKEN_FILE /run/secrets/token",
    "Cookie: session=abc; theme=dark",
    `cookie: theme=${"q7Rt2xLp9VmK4wZb8NcY3hFd"}`,
    'document.cookie = "session=" + token',
    'auth=("admin", "password")',
    "apiVersion: v1\nkind: ConfigMap\ndata:\n  level: ZGVidWc=\n",
    "apiVersion: v1\nkind: Secret\ndata:\n  password: {{ .Values.password | b64enc }}\n",
    "---\nkind: Secret\nmetadata:\n  name: a\n---\nkind: ConfigMap\ndata:\n  level: ZGVidWc=\n",
  ];
  it("in plain text and in a JSON line", () => {
    for (const l of LOOKALIKES) {
      assert.equal(mask(l), l);
      const json = JSON.stringify({ content: l });
      assert.equal(mask(json), json);
    }
  });
});
