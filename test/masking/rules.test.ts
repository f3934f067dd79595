// Every masking rule: what it must mask (true positives, in plain text and inside JSON strings as
// transcripts hold them) and what it must leave alone (placeholders, examples, words, hashes, ids,
// references). Fixtures are built at run time (fixtures.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskText } from "../../src/masking/masker.js";
import { CLOUD_RULES } from "../../src/masking/families/cloud.js";
import { SERVICE_RULES } from "../../src/masking/families/services.js";
import { RULES, RULES_VERSION } from "../../src/masking/rules.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { fake, pem, tokens as t } from "./fixtures.js";

const none = new SecretValues();
const mask = (text: string) => maskText(text, none).text;

interface Case {
  rule: string;
  /** Texts holding a secret: [text, the secret in it, the masked text expected (default: the secret replaced)]. */
  yes: Array<[string, string, string?]>;
  /** Texts nothing may be masked in. */
  no: string[];
}

const url = (scheme: string, user: string, pw: string, rest: string) => `${scheme}://${user}:${pw}@${rest}`;
const pw = fake(18, 40);

const cases: Case[] = [
  {
    rule: "aws_access_key",
    yes: [
      [`aws_access_key_id = ${t.aws()}`, t.aws()],
      [`"AccessKeyId": "${"AS" + "IA" + fake(16, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}"`, "AS" + "IA" + fake(16, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")],
    ],
    no: [
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
      "ASIA PACIFIC REGION",
      "AKIA" + "A".repeat(16),
      "AKIA1234 is too short",
      "XAKIA" + fake(16, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
    ],
  },
  {
    rule: "github",
    yes: [
      [`git push https://x-access-token:${t.github()}@github.com/o/r.git`, t.github(), `git push https://x-access-token:[MASKED:github]@github.com/o/r.git`],
      [`GH_TOKEN=${t.githubOauth()}`, t.githubOauth()],
      [`token ${t.githubFine()}`, t.githubFine()],
    ],
    no: ["ghp_" + "x".repeat(36), "ghp_short", "github_pat_your_token_goes_here_please", "ghp_" + "0".repeat(36)],
  },
  {
    rule: "gitlab",
    yes: [
      [`PRIVATE-TOKEN: ${t.gitlab()}`, t.gitlab()],
      [`deploy ${t.gitlabDeploy()} ok`, t.gitlabDeploy()],
      [`gitlab-runner register --token ${t.gitlabRunner()}`, t.gitlabRunner()],
    ],
    no: ["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-short", "glpat-your-personal-token-here"],
  },
  {
    rule: "slack",
    yes: [
      [`SLACK_BOT=${t.slackBot()}`, t.slackBot()],
      [`user token ${t.slackUser()}`, t.slackUser()],
    ],
    no: ["xoxb-not-a-real-token-just-docs", "xoxb-123", "xoxp-xxxxxxxxxx-xxxxxxxxxx"],
  },
  {
    rule: "slack_webhook",
    yes: [
      [
        `curl -X POST https://hooks.slack.com/services/${t.slackWebhookPath()} -d @msg.json`,
        t.slackWebhookPath(),
        "curl -X POST https://hooks.slack.com/services/[MASKED:slack_webhook] -d @msg.json",
      ],
    ],
    no: ["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "see https://hooks.slack.com/ for details"],
  },
  {
    rule: "openai",
    yes: [
      [`OPENAI_API_KEY=${t.openaiProject()}`, t.openaiProject()],
      [`key ${t.openaiLegacy()}.`, t.openaiLegacy()],
      [`"${t.openaiService()}"`, t.openaiService()],
    ],
    no: [
      "pip install sk-learn-intelex-integration-2024",
      "sk-your-api-key-here-xxxxxxxxxx",
      "sk-proj-" + "x".repeat(40),
      "task-1234567890abcdefGHIJKL",
      "class sk-button-primary-2xl-Hover",
    ],
  },
  {
    rule: "anthropic",
    yes: [
      [`x-api-key: ${t.anthropic()}`, t.anthropic()],
      [`ANTHROPIC_ADMIN_KEY=${t.anthropicAdmin()}`, t.anthropicAdmin()],
    ],
    no: ["sk-ant-xxxxxxxxxxxxxxxxxxxxxxxx", "sk-ant-api03-your-key-here-please-ok", "sk-ant-"],
  },
  {
    rule: "stripe",
    yes: [
      [`Stripe.apiKey = "${t.stripeLive()}"`, t.stripeLive()],
      [`rk ${t.stripeRestricted()}`, t.stripeRestricted()],
      [`test mode ${t.stripeTest()} (masked too)`, t.stripeTest()],
    ],
    no: ["pk_live_" + fake(24, 5), "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_short"],
  },
  {
    rule: "google_api_key",
    yes: [[`https://maps.googleapis.com/maps/api/js?key=${t.google()}&callback=init`, t.google()]],
    no: ["AIza" + fake(34, 6) + " too short", "AIzaSyEXAMPLEEXAMPLEEXAMPLEEXAMPLE12"],
  },
  {
    rule: "npm",
    yes: [[`//registry.npmjs.org/:_authToken=${t.npm()}`, t.npm()]],
    no: ["npm_config_cache=/home/u/.npm", "npm_" + "x".repeat(36), "npm_lifecycle_event=test"],
  },
  {
    rule: "pypi",
    yes: [[`password = ${t.pypi()}`, t.pypi()]],
    no: ["pypi-AgEIcHlwaS5vcmc" + "x".repeat(60), "pypi-token", "pip download pypi-AgE"],
  },
  {
    rule: "huggingface",
    yes: [[`HF_TOKEN=${t.huggingface()}`, t.huggingface()]],
    no: ["from huggingface_hub import hf_hub_download", "hf_" + "abcdefghijklmnopqrstuvwxyzabcdefgh", "hf_" + "x".repeat(34)],
  },
  {
    rule: "sendgrid",
    yes: [[`SENDGRID_API_KEY='${t.sendgrid()}'`, t.sendgrid()]],
    no: ["msg.content SG.foo.bar", "SG." + "x".repeat(22) + "." + "x".repeat(43)],
  },
  {
    rule: "jwt",
    yes: [
      [`Authorization: Bearer ${t.jwt()}`, t.jwt()],
      [`"id_token":"${t.jwt(4)}"`, t.jwt(4)],
    ],
    no: [
      "eyJhbGciOiJIUzI1NiJ9 is only a header",
      "data:application/json;base64,eyJhIjoxfQ==",
      "eyJ" + "a".repeat(20) + ".eyJ" + "b".repeat(20) + "." + "c".repeat(20),
    ],
  },
  {
    rule: "kubernetes_secret",
    yes: [
      ["kind: Secret\ndata:\n  password: aHVudGVyMg==\n", "aHVudGVyMg==", "kind: Secret\ndata:\n  password: [MASKED:kubernetes_secret]\n"],
      [`data:\n  token: ${fake(24, 80)}\nkind: Secret\n`, fake(24, 80)],
      ["kind: Secret\nstringData:\n  password: hunter 2\n", "hunter 2"],
    ],
    no: ["kind: ConfigMap\ndata:\n  level: ZGVidWc=\n", "kind: Secret\ndata:\n  password: {{ .Values.pw | b64enc }}\n", "metadata:\n  name: x\nkind: Secret\n"],
  },
  {
    rule: "session_cookie",
    yes: [
      [`Cookie: theme=dark; sessionid=${fake(32, 81)}`, fake(32, 81), "Cookie: theme=dark; sessionid=[MASKED:session_cookie]"],
      [`Set-Cookie: JSESSIONID=${t.hex(32, 82).toUpperCase()}; Path=/`, t.hex(32, 82).toUpperCase()],
    ],
    no: ["Cookie: session=abc; theme=dark", `Cookie: theme=${fake(32, 83)}`, "Set-Cookie: sessionid=; Max-Age=0"],
  },
  {
    rule: "private_key",
    yes: [
      [`key:\n${pem("RSA")}\nthanks`, pem("RSA")],
      [pem("OPENSSH", 8), pem("OPENSSH", 8)],
      [pem("", 4, "\r\n"), pem("", 4, "\r\n")],
    ],
    no: [
      "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
      "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
      `if (s.startsWith("-----BEGIN RSA PRIVATE KEY-----")) return s.endsWith("-----END RSA PRIVATE KEY-----");`,
      pem("", 6).replace(/PRIVATE KEY/g, "PUBLIC KEY"),
      "-----BEGIN CERTIFICATE-----\n" + tokens64() + "\n-----END CERTIFICATE-----",
    ],
  },
  {
    rule: "url_credentials",
    yes: [
      [`DATABASE_URL=${url("postgres", "app", pw, "db.internal:5432/app")}`, pw, `DATABASE_URL=postgres://app:[MASKED:url_credentials]@db.internal:5432/app`],
      [`redis-cli -u ${url("redis", "", pw, "cache:6379/0")}`, pw, `redis-cli -u redis://:[MASKED:url_credentials]@cache:6379/0`],
      [
        `"uri": "${url("mongodb+srv", "admin", "p@ss" + pw, "cluster0.example.net/db")}"`,
        "p@ss" + pw,
        `"uri": "mongodb+srv://admin:[MASKED:url_credentials]@cluster0.example.net/db"`,
      ],
      [`psql "${url("postgresql", "u", "hunter22", "h/db")}"`, "hunter22", `psql "postgresql://u:[MASKED:url_credentials]@h/db"`],
    ],
    no: [
      url("https", "user", "password", "example.com"),
      url("https", "u", "${PASS}", "h"),
      url("postgres", "user", "${DB_PASSWORD}", "db/app"),
      url("https", "u", "xxx", "h"),
      "https://host:8080/path",
      "ssh://git@github.com/org/repo.git",
      "see user:pass@host",
    ],
  },
  {
    rule: "generic_secret",
    yes: [
      [`API_KEY=${fake(32, 20)}`, fake(32, 20), `API_KEY=[MASKED:generic_secret]`],
      [`export DEPLOY_TOKEN=${fake(30, 21)}`, fake(30, 21)],
      [`{"client_secret": "${fake(40, 22)}"}`, fake(40, 22), `{"client_secret": "[MASKED:generic_secret]"}`],
      ["password: Tr0ub4dor&3x", "Tr0ub4dor&3x", "password: [MASKED:generic_secret]"],
      [`curl -H 'Authorization: Bearer ${fake(40, 23)}' https://api`, fake(40, 23), `curl -H 'Authorization: Bearer [MASKED:generic_secret]' https://api`],
      [`GET /cb?access_token=${fake(30, 24)}&user=bob`, fake(30, 24), "GET /cb?access_token=[MASKED:generic_secret]&user=bob"],
      [`apiKey: '${fake(24, 25)}',`, fake(24, 25)],
      [`db:\n  password: "S3cr3tP@ssw0rd!"`, "S3cr3tP@ssw0rd!"],
      [`SECRET_KEY = "${t.hex(48, 26)}"`, t.hex(48, 26)],
      [`PGPASSWORD=${fake(12, 27)} psql`, fake(12, 27)],
    ],
    no: [
      "token: string;",
      "const apiKey: string | undefined = process.env.API_KEY;",
      "API_KEY=${API_KEY}",
      "API_KEY=$OPENAI_API_KEY",
      "api_key=<your-api-key>",
      "password: changeme",
      "token=your_token_here",
      "secret=xxxxxxxxxxxx",
      "password=****************",
      "API_KEY=EXAMPLE_KEY_1234567890",
      "key: 550e8400-e29b-41d4-a716-446655440000",
      `cache_key: ${t.hex(40, 30)}`,
      `commit ${t.hex(40, 31)}\nAuthor: Jane Doe <jane@example.com>`,
      '"tokenizer": "cl100k_base"',
      "PWD=/usr/lib/x86_64-linux-gnu/libssl.so.3",
      '"usage":{"input_tokens":12345,"cache_read_input_tokens":987654321,"output_tokens":512}',
      "const key = pbkdf2Sync('secret', salt, 100000, 64, 'sha512');",
      '"keyFile": "config/auth-v2.json"',
      "token_expires: 2025-01-15T10:00:00Z",
      "key: v1.2.3-beta4",
      "password = getPassword(user2)",
      "peer_public_key: X448PublicKey",
      "RegOpenKeyEx = win32api.RegOpenKeyEx",
      "secret: {{ secrets.API_TOKEN }}",
      "password: %DB_PASSWORD%",
      "the token is valid and the key expired; auth passed",
      "max_tokens=4096",
    ],
  },
  {
    rule: "password",
    yes: [
      ["password=Hunter2SuperSecretValue99x", "Hunter2SuperSecretValue99x"],
      ['DB_PASSWORD="s3cr3t-P@ssw0rd-2026!"', "s3cr3t-P@ssw0rd-2026!"],
      ["export DB_PASSWORD=hunter22", "hunter22"],
      ['{"password": "hunter22!"}', "hunter22!"],
      ["db:\n  password: hunter22\n  user: app", "hunter22"],
      ["password: abc12345", "abc12345"],
      ["GET /login?user=bob&password=hunter22&next=/home", "hunter22"],
      ["PGPASSWORD=hunter22 psql -h db -U app", "hunter22"],
      ["client_secret: 'Hunter2x'", "Hunter2x"],
      ["APP_SECRET=hunter22", "hunter22"],
      ["SLACK_TOKEN=hunter22x", "hunter22x"],
      ["MY_API_KEY=hunter22", "hunter22"],
      ['apiKey: "abc-12345"', "abc-12345"],
      ["passwd: Summer2024", "Summer2024"],
      ["Server=db;Uid=sa;Pwd=Hunter22x;", "Hunter22x"],
      ["mysql_pwd=Hunter2x", "Hunter2x"],
      ["app --password hunter22 --verbose", "hunter22"],
      ["app --password=hunter22", "hunter22"],
      ["deploy --token abc123def --force", "abc123def"],
      ['curl --api-key "Xy9-abc-123" https://api', "Xy9-abc-123"],
      ["mysql -u root -pHunter2x app", "Hunter2x"],
      ["mysql -u root -p Hunter2x", "Hunter2x"],
      ["mysqldump -h db -u root -p'S3cret!x' app > dump.sql", "S3cret!x"],
      ["mariadb -u r -pHunter2x", "Hunter2x"],
      ["mysqladmin -u root -pHunter2x status", "Hunter2x"],
      ["sshpass -p Hunter2x ssh deploy@host", "Hunter2x"],
    ],
    no: [
      "mkdir -p foo2bar",
      "cp -p a1b2c3 dest/",
      "ssh -p 2222 host",
      "password: str",
      "def login(user: str, password: str) -> bool:",
      "password=password",
      "password=getpass()",
      'password = getpass.getpass("Password: ")',
      "token=None",
      "token: None",
      "password = newPassword",
      "password = user.password2",
      "password: process.env.DB_PASS2",
      'api_key=os.environ["API_KEY"]',
      "secret: X25519Secret",
      "password: Uint8Array",
      "token: Base64String;",
      "PWD=/home/u/src2",
      "OLDPWD=/tmp/x1",
      "max_tokens=4096",
      "token_type: Bearer2x",
      '"secret_name": "db-creds"',
      "password: changeme",
      "password=<password>",
      "password=${DB_PASSWORD}",
      "password=$DB_PASSWORD",
      "password=xxx",
      "password=***",
      "password: example1",
      "password=your-password-here",
      "password=[MASKED:password]",
      "password: [MASKED:generic_secret]",
      "token: null",
      "secret: false",
      "password: dummy123",
      "password: REDACTED",
      "mysql -u root -p",
      "mysql -u root -p -h db2 app",
      "mysql -u root -p mydatabase",
      "ls --token-file ./tok2.txt",
      "docker login --password-stdin",
      "app --password ${PASS}",
      'app --token "$TOKEN2"',
      "password = 123456",
      "warden exec --secret PGPASSWORD=work/DB_PASS --reason migrate -- ./migrate.sh",
      "docker build --secret id=npmrc2,src=$HOME/.npmrc .",
      "password: 'secret!'",
      '"@esfx/canceltoken": "^1.0.0",',
      "token = nextToken2++",
    ],
  },
];

function tokens64(): string {
  return fake(64, 50, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

describe("masking rules", () => {
  it("version 3 or later (passwords), and every rule has keywords and cases here", () => {
    assert.ok(Number.isInteger(RULES_VERSION) && RULES_VERSION >= 4);
    for (const r of RULES) assert.ok(r.keywords.length > 0, r.name);
    // The families' rules have their cases in examples/*.ts (families.test.ts).
    const families = new Set<unknown>([...CLOUD_RULES, ...SERVICE_RULES]);
    assert.deepEqual(new Set(cases.map((c) => c.rule)), new Set(RULES.filter((r) => !families.has(r)).map((r) => r.name)));
  });

  for (const c of cases) {
    describe(c.rule, () => {
      it("masks true positives, in plain text", () => {
        for (const [text, secret, expected] of c.yes) {
          const r = maskText(text, none);
          assert.equal(r.text, expected ?? text.replace(secret, `[MASKED:${c.rule}]`), text);
          assert.ok(!r.text.includes(secret), text);
          assert.ok((r.hits[c.rule] ?? 0) >= 1, `${c.rule} counted: ${JSON.stringify(r.hits)}`);
        }
      });

      it("masks them inside a JSON string (newlines escaped, after a \\n or a colour code) and the line still parses", () => {
        for (const [text, secret] of c.yes) {
          for (const before of ["", "$ cat out\n", "\u001b[32m"]) {
            const line = JSON.stringify({ type: "tool_result", content: before + text + "\nexit 0" });
            const r = maskText(line, none);
            assert.ok(!r.text.includes(JSON.stringify(secret).slice(1, -1)), `${c.rule} leaked in ${line}`);
            const parsed = JSON.parse(r.text) as { content: string };
            assert.match(parsed.content, new RegExp(`\\[MASKED:${c.rule}\\]`));
            assert.ok(parsed.content.endsWith("\nexit 0"), "the text after it is intact");
          }
        }
      });

      it("leaves false positives alone", () => {
        for (const text of c.no) {
          assert.equal(mask(text), text);
          const line = JSON.stringify({ text });
          assert.equal(mask(line), line);
        }
      });
    });
  }

  it("masks a token right after an escaped newline, a tab or a colour code in a JSON line", () => {
    const all = [
      t.aws(),
      t.github(),
      t.githubFine(),
      t.gitlab(),
      t.slackBot(),
      t.openaiProject(),
      t.anthropic(),
      t.stripeLive(),
      t.google(),
      t.npm(),
      t.pypi(),
      t.huggingface(),
      t.sendgrid(),
      t.jwt(),
      pem("RSA"),
    ];
    for (const secret of all) {
      for (const before of ["\n", "\t", "\u001b[1;31m", "(", "'"]) {
        const line = JSON.stringify({ content: "out:" + before + secret + "\n" });
        const masked = mask(line);
        assert.ok(!masked.includes(JSON.stringify(secret).slice(1, -1)), `leaked after ${JSON.stringify(before)}: ${masked}`);
        assert.ok(JSON.parse(masked));
      }
    }
  });

  it("masks a truncated key block (no END line) to its last base64 line", () => {
    const block = pem("EC", 3).split("\n").slice(0, 3).join("\n");
    assert.equal(mask(`$ head -3 key.pem\n${block}\n$ ls -l\n`), "$ head -3 key.pem\n[MASKED:private_key]\n$ ls -l\n");
    assert.equal(mask(`${block}\nThe rest was cut.`), "[MASKED:private_key]\nThe rest was cut.");
    const line = JSON.stringify({ content: `${block}\nThe rest was cut.` });
    assert.deepEqual(JSON.parse(mask(line)), { content: "[MASKED:private_key]\nThe rest was cut." });
  });

  it("masks an encrypted PEM block with its headers", () => {
    const body = [fake(64, 70), fake(64, 71), fake(20, 72) + "=="];
    const block = [
      "-----BEGIN RSA PRIVATE KEY-----",
      "Proc-Type: 4,ENCRYPTED",
      "DEK-Info: AES-128-CBC,3F2A9B7C6D5E4F10",
      "",
      ...body,
      "-----END RSA PRIVATE KEY-----",
    ].join("\n");
    assert.equal(mask(`x ${block} y`), "x [MASKED:private_key] y");
  });

  it("masks the most specific rule where several match, once", () => {
    const r = maskText(`export GITHUB_TOKEN=${t.github()}`, none);
    assert.equal(r.text, "export GITHUB_TOKEN=[MASKED:github]");
    assert.deepEqual(r.hits, { github: 1 });
    const both = maskText(`SECRET_KEY=${fake(32, 60)}`, none);
    assert.deepEqual(both.hits, { generic_secret: 1 }, "SECRET and KEY are both keywords: one match");
  });
});
