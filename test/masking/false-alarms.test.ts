// False alarms the leading secret scanners stay quiet on (their published false positives, in our
// own strings): code identifiers that start like a token, values that are a host, a path, a
// version, a date, an id or a digest, placeholders and values already redacted, public keys and
// key ids, and the example keys providers publish in their docs. Each look-alike must come out of
// maskText unchanged, as a line and inside a JSON transcript line; next to each kind, real secrets
// of the same shape are still masked (an allowance must not open a hole).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wordLike } from "../../src/masking/allowlist.js";
import { secretName } from "../../src/masking/secret-names.js";
import { maskText } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { fake, tokens as t } from "./fixtures.js";

const none = new SecretValues();
const mask = (text: string) => maskText(text, none).text;
const transcript = (line: string) => JSON.stringify({ type: "tool_result", content: `$ cat config\n${line}\n` });

function untouched(lines: string[]): void {
  for (const line of lines) {
    assert.equal(mask(line), line, `masked a look-alike: ${line}`);
    const json = transcript(line);
    assert.equal(mask(json), json, `masked a look-alike in a JSON line: ${line}`);
  }
}

/** [text, the secret in it]: the secret is gone from the text and from its JSON transcript line. */
function stillMasked(cases: Array<[string, string]>): void {
  for (const [line, secret] of cases) {
    const out = mask(line);
    assert.ok(!out.includes(secret) && out.includes("[MASKED:"), `not masked: ${line} -> ${out}`);
    const json = mask(transcript(line));
    const content = (JSON.parse(json) as { content: string }).content;
    assert.ok(!content.includes(secret) && content.includes("[MASKED:"), `not masked in a JSON line: ${line} -> ${json}`);
  }
}

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LETTERS = "abcdefghijkLMNOPQRSTUVWxyzABCDEFGHIJKlmnopqrstuvwXYZ";
const digest = (n: number, seed: number) => fake(n, seed, HEX);
const PASSWORD = "Xk9#mQ2v!pL7";

describe("false alarms: code identifiers that start like a token", () => {
  it("leaves selectors, class names and variables that begin with a token prefix alone", () => {
    untouched([
      "[self hf" + "_requestAuthorizationWithCompletionHandler:handler];",
      "- (void)hf" + "_requestAccessTokenForAccount:(NSString *)account;",
      "    _kSymptomhf" + "_generatedByHomeAppForDebuggingPurposesKey,",
      "static BOOL gh" + "p_validateTokenFormatAndReturnPrefixLength(void);",
      "let gh" + "p_personalAccessTokenValidationResult = check();",
      "sk" + "_test_helperFunctionForStripeWebhooksAndEvents()",
      "xo" + "xb-token-rotation-handler-for-workspace2",
      "gl" + "pat-token-validation-handler-module-settings",
      '<button class="sk-button-primary-2xl-HoverStateActive3">',
      "- (id)hf" + "_requiredCharacteristicTypesForDisplayMetadata;",
    ]);
  });

  it("leaves identifiers and member accesses after a secret-sounding name alone", () => {
    untouched([
      "key = self.cache_key_prefix",
      "token: tokenizer.encode",
      "token = tokenizer.encodeBatch2(texts)",
      "apiKey = config.apiKeyForEnv2",
      "secret = self.secretManager2.getValue",
      "api_token = settings.API_TOKEN_V2",
      "auth_token = request.headers.authToken2",
    ]);
  });

  it("still masks the tokens and values those identifiers look like", () => {
    stillMasked([
      [`HF_TOKEN=${t.huggingface(3)}`, t.huggingface(3)],
      [`token: ${t.github(4)}`, t.github(4)],
      [`stripe.api_key = "${t.stripeTest(5)}"`, t.stripeTest(5)],
      [`SLACK=${t.slackBot(6)}`, t.slackBot(6)],
      [`apiKey = "${fake(32, 7)}"`, fake(32, 7)],
      [`token = ${fake(24, 8)}`, fake(24, 8)],
    ]);
  });

  it("still masks every random Hugging Face and GitHub token (bodies are never taken for words)", () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const hf = "hf" + "_" + fake(34, seed, LETTERS);
      const gh = "gh" + "p_" + fake(36, seed);
      assert.equal(mask(`x ${hf} y`), "x [MASKED:huggingface] y", hf);
      assert.equal(mask(`x ${gh} y`), "x [MASKED:github] y", gh);
    }
  });
});

describe("false alarms: hosts, paths, URLs, versions, dates, ids and digests", () => {
  it("leaves a value that is a host, an address, a path, a URL, a version or a date alone", () => {
    untouched([
      "db_host: postgres.internal:5432",
      "dev.credentials.url=dev-lb1.api.f4ke.com:5215",
      "auth_service=10.0.3.17:8443",
      "auth_db: mongo-replica-2.db.svc.cluster.local:27017",
      "ssh deploy@build-02.internal",
      "auth: deploy2@build-02.ci.internal",
      "API_KEY_EMAIL=ops2@company3.io",
      "auth: git@github.com:org/repo2.git",
      'notes = "Maven - io.jsonwebtoken:jjwt-jackson-0.11.2"',
      "token_endpoint: https://login.example2.com/oauth2/v2.0/token",
      "token_path: src/auth/tokens/refresh2.ts",
      "key_file = C:/Users/dev/keys/server2.pem",
      "secret_version: 1.24.3-rc2",
      "token_expires_at: 2026-12-01T23:59:59.000Z",
    ]);
  });

  it("leaves ids named as ids alone (request ids, key ids, credential ids)", () => {
    untouched([
      "request_id: 3f2b9c1e-8d4a-4e6f-9b2a-7c1d5e8f0a3b",
      '"auth_request_id": "req_01HQ3K9Z8X7W6V5T4S3R2Q1P0N"',
      '"token_id": "tok-9f86d081884c7d659a2f"',
      '"kid": "Ab3dE5fG7hJ9kL1mN2pQ4rS6tU8"',
      '  "credentialId": "B9mTcFSck2LzJO2S3ols63",',
      'credential_id = "cr3dIdAb3dE5fG7hJ9kL1m2"',
      'keyId: "Ab3dE5fG7hJ9kL1mN2pQ4rS6"',
      '"access_key_id": "Ab3dE5fG7hJ9kL1mN2pQ4r"',
      `api_key_id = ${digest(24, 1)}`,
      `"private_key_id": "${digest(40, 2)}"`,
      '"kms_key_id": "555ea4a3-d53a-4412-9c66-3a7cb667b0d6"',
      "signing_key_kid: Ab3dE5fG7hJ9kL1m",
      '"key_vault_name": "web21prqodx24021"',
      "api_key_created: 2024-01-15",
    ]);
  });

  it("leaves a digest named as one alone (sha256:, integrity, checksum, etag, hash)", () => {
    untouched([
      `token_sha256: sha256:${digest(64, 3)}`,
      `secret_sha256 = "sha256:${digest(64, 4)}"`,
      `"token_integrity": "sha512-${fake(86, 5, B64)}=="`,
      `auth_checksum: ${digest(32, 6)}`,
      `token_etag: "${digest(40, 7)}"`,
      `key_digest = "md5:${digest(32, 8)}"`,
      `secret_hash: ${fake(31, 9)}`,
      `issuerKeyHash=${fake(30, 10)}`,
    ]);
  });

  it("still masks secrets with the same names' secret words and values of the same shapes", () => {
    stillMasked([
      [`DB_PASSWORD=${PASSWORD}`, PASSWORD],
      ["DB_PASSWORD=admin:48213", "admin:48213"],
      [
        `ANTHROPIC_API_KEY=${"sk-" + "ant-api03-" + fake(40, 66, B64.slice(0, 62) + "-_") + "-xxx-" + fake(48, 67, B64.slice(0, 62) + "-_")}AA`,
        fake(40, 66, B64.slice(0, 62) + "-_"),
      ],
      [`DATABASE_URL=postgres://app:${fake(16, 11)}@db.internal:5432/app`, fake(16, 11)],
      [`"api_key": "${digest(40, 12)}"`, digest(40, 12)],
      [`"credentials": "${fake(30, 14)}"`, fake(30, 14)],
      [`aws_access_key_id = ${t.aws(15)}`, t.aws(15)],
      [`aws_secret_access_key = ${fake(40, 16, B64)}`, fake(40, 16, B64)],
      [`secret_key: ${fake(31, 17)}`, fake(31, 17)],
      [`"token": "${fake(22, 18)}"`, fake(22, 18)],
      [`SECRET_KEY_BASE=${digest(64, 19)}`, digest(64, 19)],
      [`"secret_id": "${fake(24, 20)}"`, fake(24, 20)],
      [`tokenWithNoneAlg = "${fake(40, 64)}"`, fake(40, 64)],
      [`access_key_v2 = "${fake(40, 65)}"`, fake(40, 65)],
    ]);
  });
});

describe("false alarms: placeholders and values already redacted", () => {
  it("leaves placeholders alone", () => {
    untouched([
      "api_key=YourApiKeyHere",
      "GITHUB_TOKEN=PasteYourTokenHere123",
      "SECRET_KEY=YourSecretKeyHere1",
      "api_key=InsertYourKey2Here",
      "api_key: <your-token>",
      'auth_token = "<your-auth-token-2>"',
      "token = ${TOKEN}",
      "TOKEN=$(cat token)",
      "token: {{ .Values.token }}",
      "password=${{ secrets.DB_PASSWORD2 }}",
      '"secretKey": "process.env.SECRET_KEY2"',
      '"apiKey": "import.meta.env.VITE_API_KEY2"',
      "password = %s",
      'api_key = "%(api_key)s"',
      'api_key = "%API_KEY2%"',
      "api_key: ####",
      'secret = "####################"',
      "API_KEY=xxxx-xxxx-xxxx-xxxx",
      "API_KEY=XXXX-XXXX",
      'api_key = "XXXX-XXXX-XXXX-XXXX-2"',
      'password = "changeme"',
      'password = "changeme2"',
      'token = "example-token-1234"',
      'api_key = "dummy_key_123456"',
      'password = "test123"',
      "password: test123",
      'password = "Test1234"',
      "DB_PASSWORD=test1234",
    ]);
  });

  it("leaves values already redacted, and literals, alone", () => {
    untouched([
      "token: [Redacted]",
      "secret: ****",
      '"apiKey": "<redacted>"',
      "API_KEY=REDACTED",
      "SLACK_TOKEN=xo" + "xp-1-RANDOMSTRINGHERE",
      "api_key = [MASKED:openai]",
      "secret=[MASKED:generic_secret]",
      "git clone https://bob:[MASKED:url_credentials]@github.com/o/r",
      "postgres://app:[MASKED:secret]@db:5432/app",
      "password: null",
      "token = None",
      "apiKey: undefined",
      "secret: true",
      "password: false",
    ]);
  });

  it("still masks real passwords and keys written where placeholders are", () => {
    stillMasked([
      [`password = "${PASSWORD}"`, PASSWORD],
      [`password: ${PASSWORD}`, PASSWORD],
      ["password: Summer2024!", "Summer2024!"],
      ["password = hunter42", "hunter42"],
      [`api_key=${fake(32, 21)}`, fake(32, 21)],
      [`GITHUB_TOKEN=${t.github(22)}`, t.github(22)],
      [`git clone https://bob:${fake(20, 23)}@github.com/o/r`, fake(20, 23)],
    ]);
  });

  it("a masked line comes back byte-identical, with no hits, when masked again", () => {
    const lines = [
      `git clone https://bob:${fake(20, 24)}@github.com/o/r.git`,
      `postgres://u:${fake(12, 25)}@db:5432/x?sslmode=require&token=${fake(30, 26)}`,
      `API_KEY=${fake(32, 27)}`,
      `password: "${PASSWORD}"`,
      `--password ${PASSWORD}`,
      `mysql -u root -p${PASSWORD.replace("#", "")}`,
      `token ${t.github(28)} and ${t.huggingface(29)}`,
      `Authorization: Bearer ${t.jwt(30)}`,
      `"client_secret": "${fake(40, 31)}"`,
    ];
    for (const line of lines) {
      for (const text of [line, transcript(line)]) {
        const once = maskText(text, none);
        assert.notEqual(once.text, text, `not masked: ${text}`);
        const twice = maskText(once.text, none);
        assert.equal(twice.text, once.text);
        assert.deepEqual(twice.hits, {}, `masked again: ${once.text}`);
      }
    }
  });
});

describe("false alarms: public keys, key ids and fingerprints", () => {
  it("leaves public keys and fingerprints alone", () => {
    untouched([
      'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
      `public_key: "${fake(43, 32)}"`,
      `"publicKey": "${fake(43, 33)}"`,
      `PUBKEY=${fake(43, 34)}`,
      `server_pub_key=${fake(43, 35)}`,
      `vapid_public_key = "B${fake(86, 36, B64.slice(0, 62))}"`,
      `publicToken = "${fake(43, 37)}"`,
      `STRIPE_PUBLISHABLE_KEY=pk_live_${fake(24, 38)}`,
      `ssh_key: ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC${fake(60, 39, B64)} user@host`,
      `authorized_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${fake(43, 40, B64)} me@laptop"`,
      ["-----BEGIN PUBLIC KEY-----", fake(64, 41, B64), fake(64, 42, B64), "-----END PUBLIC KEY-----"].join("\n"),
      'key_fingerprint = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"',
      "key_fingerprint: 43:51:43:a1:b5:fc:8b:b7:0a:3a:a9:b1:0f:66:73:a8",
      "gpg_key_id: 3AA5C34371567BD2",
    ]);
  });

  it("leaves keys that are names of rows, caches and pages alone (primary, cache, sort, csrf)", () => {
    untouched([
      `primaryKey=${fake(30, 43)}`,
      `foreignKey=${fake(30, 44)}`,
      `cache_key = "${fake(24, 45)}"`,
      `sort_key: ${fake(20, 46)}`,
      `idempotency_key: "${fake(24, 47)}"`,
      `csrf_token: "${fake(31, 48)}"`,
      `"X-CSRF-Token": "${fake(31, 49)}"`,
      `"nextPageToken": "${fake(40, 50)}"`,
      `key_down_event=${fake(30, 51)}`,
    ]);
  });

  it("still masks private keys and secret keys next to them", () => {
    stillMasked([
      [`private_key = "${fake(43, 52)}"`, fake(43, 52)],
      [`"privateKey": "${fake(43, 53)}"`, fake(43, 53)],
      [`secret_key: ${fake(43, 54)}`, fake(43, 54)],
      [`access_token: "${fake(31, 55)}"`, fake(31, 55)],
      [`"refresh_token": "${fake(40, 56)}"`, fake(40, 56)],
      [`STRIPE_SECRET_KEY=${t.stripeLive(57)}`, t.stripeLive(57)],
      [`session_key = "${fake(24, 58)}"`, fake(24, 58)],
    ]);
  });
});

describe("false alarms: example keys published in providers' docs", () => {
  // The published values, written in two parts so that no scanner takes this file for a leak.
  const jwtIo =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" +
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  it("leaves AWS's, Stripe's, GitHub's, Slack's and jwt.io's examples alone", () => {
    untouched([
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "AWS_SECRET_ACCESS_KEY=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
      `stripe.api_key = "${"sk" + "_test_" + "4eC39HqLyjWDarjtT1zdp7dc"}"`,
      `key: ${"pk" + "_test_" + "TYooMQauvdEDq54NiTphI7jx"}`,
      `Stripe.apiKey = "${"sk" + "_test_" + "BQokikJOvBiI2HlWgH4olfQ2"}";`,
      `token: ${"gh" + "p_" + "16C7e42F292c6912E7710c838347Ae178B4a"}`,
      `SLACK_BOT_TOKEN=${"xo" + "xb-" + "17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"}`,
      `Authorization: Bearer ${jwtIo}`,
      jwtIo,
      `"api_key": "${"AI" + "za" + "SyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs"}"`,
      `,apiKey:"${"6fe4476ee5a1" + "832882e326b506d14126"}",`,
    ]);
  });

  it("still masks keys of the same shapes that are not the published ones", () => {
    const otherSignature = jwtIo.slice(0, jwtIo.lastIndexOf(".") + 1) + fake(43, 59, B64.slice(0, 62) + "-_");
    stillMasked([
      [`aws_access_key_id = ${t.aws(60)}`, t.aws(60)],
      [`stripe.api_key = "${t.stripeTest(61)}"`, t.stripeTest(61)],
      [`token: ${t.github(62)}`, t.github(62)],
      [`SLACK_BOT_TOKEN=${t.slackBot(63)}`, t.slackBot(63)],
      [`Authorization: Bearer ${otherSignature}`, otherSignature],
      [`Stripe.apiKey = "${"sk" + "_test_" + "4eC39HqLyjWDarjtT1zdp7dX"}";`, "4eC39HqLyjWDarjtT1zdp7dX"],
      [`"api_key": "${t.google(67)}"`, t.google(67)],
    ]);
  });
});

describe("false alarms: how names and words are read", () => {
  it("a name with a secret word names a secret unless the words around it say otherwise", () => {
    const secret = [
      "API_KEY",
      "apiKey",
      "APIKey",
      "client_secret",
      "DB_PASSWORD",
      "PGPASSWORD",
      "MYSQL_PWD",
      "X-Auth-Token",
      "Authorization",
      "access_token",
      "id_token",
      "refresh_token",
      "SECRET_KEY_BASE",
      "API_KEY2",
      "private_key",
      "privateKey",
      "secret_id",
      "credentials",
      "passcode",
      "tokenWithNoneAlg",
      "public_key_secret",
    ];
    const notSecret = [
      "public_key",
      "publicKey",
      "PUBKEY",
      "server_pub_key",
      "primaryKey",
      "cache_key",
      "csrf_token",
      "X-CSRF-Token",
      "nextPageToken",
      "key_id",
      "keyId",
      "credentialId",
      "access_key_id",
      "signing_key_kid",
      "token_sha256",
      "auth_url",
      "password_hash",
      "auth_request_id",
      "key_down_event",
      "author",
      "tokenizer",
      "monkey",
      "keyboard",
    ];
    for (const name of secret) assert.equal(secretName(name), true, name);
    for (const name of notSecret) assert.equal(secretName(name), false, name);
  });

  it("identifiers are words; random bodies of 20 chars and more are not (fixed seeds)", () => {
    for (const id of [
      "requestAuthorizationWithCompletionHandler",
      "token-rotation-handler-for-workspace2",
      "config.apiKeyForEnv2",
      "settings.API_TOKEN_V2",
      "setImageWithURL",
    ])
      assert.equal(wordLike(id), true, id);
    const alphabets = [LETTERS, "abcdefghijklmnopqrstuvwxyz0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", B64.slice(0, 62) + "-_", HEX];
    for (let seed = 1; seed <= 2000; seed++) {
      for (const alphabet of alphabets) {
        const body = fake(20 + (seed % 21), seed, alphabet);
        assert.equal(wordLike(body), false, body);
      }
    }
  });
});
