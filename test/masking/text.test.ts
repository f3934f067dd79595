// maskText and maskValue (what the sync engine calls on every transcript line), the allowlist and
// entropy thresholds of the generic rule, vault values in JSON lines, and tokens of the new rules
// split across PTY chunks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classChanges, entropy, genericSecret, placeholder } from "../../src/masking/allowlist.js";
import { maskText, maskValue, StreamMasker } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";
import { fake, pem, tokens as t } from "./fixtures.js";

function secrets(...values: string[]) {
  const s = new SecretValues();
  for (const v of values) s.add(v);
  return s;
}
const none = secrets();

/** Feeds `parts` through a stream masker as separate chunks and returns everything it emitted. */
function stream(parts: string[], s = none): string {
  const m = new StreamMasker(s, 1_000_000);
  const out = parts.map((p) => m.push(Buffer.from(p)));
  out.push(m.flush());
  return Buffer.concat(out).toString();
}

describe("maskText", () => {
  it("returns the very same string and an empty hits object for clean text", () => {
    const text = JSON.stringify({ type: "assistant", text: "the token and the key are in the auth config; password: see docs", usage: { input_tokens: 12 } });
    const r = maskText(text, secrets("vault-value-Q7xK2pL9mZ4w"));
    assert.equal(r.text, text);
    assert.ok(Object.is(r.text, text));
    assert.deepEqual(r.hits, {});
  });

  it("counts hits per rule, vault values as `secret`", () => {
    const vault = "vault-value-Q7xK2pL9mZ4w";
    const text = `a ${t.github(1)} b ${t.github(2)} c ${vault} d ${Buffer.from(vault).toString("base64")} e ${t.jwt()}`;
    const r = maskText(text, secrets(vault));
    assert.deepEqual(r.hits, { github: 2, secret: 2, jwt: 1 });
    assert.equal(r.text, "a [MASKED:github] b [MASKED:github] c [MASKED:secret] d [MASKED:secret] e [MASKED:jwt]");
  });

  it("masks a vault value as it stands in a JSON line (escaped quotes, backslashes, non-ASCII as \\u escapes)", () => {
    const vault = 'p"q\\r-ünïcode-Q7xK2pL9';
    const s = secrets(vault);
    const line = JSON.stringify({ out: `got ${vault} ok` });
    const r = maskText(line, s);
    assert.deepEqual(JSON.parse(r.text), { out: "got [MASKED:secret] ok" });
    const ascii = line.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
    assert.deepEqual(JSON.parse(maskText(ascii, s).text), { out: "got [MASKED:secret] ok" });
  });

  it("finds many vault values (one alternation regex past 8 forms) longest first", () => {
    const values = Array.from({ length: 12 }, (_, i) => `value-${i}-${fake(12, i)}`);
    const s = secrets(...values, values[0]! + "-longer");
    const r = maskText(`${values[0]}-longer and ${values.slice(1).join(" ")}`, s);
    assert.equal(r.hits.secret, 12);
    assert.equal(
      r.text,
      Array.from({ length: 12 }, () => "[MASKED:secret]")
        .join(" ")
        .replace(" ", " and "),
    );
  });

  it("keeps typical transcript lines valid JSON", () => {
    const lines = [
      {
        type: "user",
        message: { content: [{ type: "tool_result", content: `$ env\nHOME=/home/u\nAPI_KEY=${fake(32, 1)}\nGH=${t.github()}\n${pem("RSA")}\n` }] },
      },
      {
        type: "assistant",
        message: {
          content: [
            {
              type: "tool_use",
              name: "Bash",
              input: { command: `curl -H "Authorization: Bearer ${fake(40, 2)}" ${"https://u:" + fake(16, 3) + "@api.example.com"}` },
            },
          ],
        },
      },
      {
        type: "response_item",
        payload: { type: "function_call", arguments: JSON.stringify({ command: ["bash", "-lc", `export OPENAI_API_KEY=${t.openaiProject()}`] }) },
      },
    ];
    for (const value of lines) {
      const r = maskText(JSON.stringify(value), none);
      assert.notEqual(r.text, JSON.stringify(value));
      assert.doesNotThrow(() => JSON.parse(r.text), r.text);
    }
  });
});

describe("maskValue", () => {
  it("masks every string, leaves keys, and copies only along the paths that changed", () => {
    const untouched = { list: ["a", "b"], n: 1 };
    const value = { [t.github()]: "key kept", clean: untouched, nested: { deep: [1, null, true, `token ${t.npm()}`] }, s: t.jwt() };
    const hits: Record<string, number> = {};
    const out = maskValue(value, none, hits) as typeof value;
    assert.deepEqual(out, { [t.github()]: "key kept", clean: untouched, nested: { deep: [1, null, true, "token [MASKED:npm]"] }, s: "[MASKED:jwt]" });
    assert.deepEqual(hits, { npm: 1, jwt: 1 });
    assert.notEqual(out, value);
    assert.equal(out.clean, untouched, "an unchanged branch is the same object");
    assert.equal(value.s, t.jwt(), "the input is not modified");
  });

  it("returns the same value when nothing is masked", () => {
    const value = { a: [1, "two", { three: "the auth token" }], b: null };
    const hits = {};
    assert.equal(maskValue(value, none, hits), value);
    assert.deepEqual(hits, {});
    assert.equal(maskValue("plain", none, hits), "plain");
    assert.equal(maskValue(42, none, hits), 42);
  });
});

describe("allowlist and thresholds", () => {
  it("entropy in bits per char", () => {
    assert.equal(entropy(""), 0);
    assert.equal(entropy("aaaa"), 0);
    assert.equal(entropy("ab"), 1);
    assert.equal(entropy("abcd"), 2);
    assert.equal(entropy("abcdefgh"), 3);
  });

  it("placeholders and example values", () => {
    for (const p of [
      "AKIAIOSFODNN7EXAMPLE",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "your_token_here",
      "<your-api-key>",
      "changeme",
      "xxxxxxxx",
      "********",
      "sk-...",
      "${VAR}",
      "{{ secret }}",
      "aaaaaaaaaaaa",
      "dummy-key-123",
      "REDACTED",
    ]) {
      assert.ok(placeholder(p), p);
    }
    for (const p of [fake(36, 1), t.github(), "sk_test_" + fake(24, 2), "Tr0ub4dor&3x"]) assert.ok(!placeholder(p), p);
  });

  it("class changes: random strings change class often, names rarely", () => {
    assert.equal(classChanges("utf8mb4_unicode_ci"), 4, "separators skipped: f8 8m b4 4u");
    assert.equal(classChanges("Capitalised"), 0);
    assert.equal(classChanges("camelCaseName"), 2);
    assert.ok(classChanges(fake(30, 3)) >= 10);
  });

  it("minimum length: 8 under a password name, 10 otherwise", () => {
    const nine = "Xk9#mQ2$v";
    assert.ok(genericSecret(nine, "password"));
    assert.ok(genericSecret(nine, "DB_PASS"));
    assert.ok(!genericSecret(nine, "api_key"));
    assert.ok(genericSecret(nine + "7", "api_key"));
    assert.ok(!genericSecret("Xk9#mQ2", "password"), "7 chars");
  });

  it("entropy threshold: just below and just above", () => {
    // 12 chars: the threshold is 0.85 * log2(12) ≈ 3.05 bits per char.
    const low = "a1B2a1B2c3G4"; // 8 distinct chars: 2.92
    const high = "a1B2c3D4g5H6"; // 12 distinct chars: 3.58 (not all hex: hex is judged apart)
    assert.ok(entropy(low) < 3.05 && entropy(high) > 3.05);
    assert.ok(!genericSecret(low, "token"));
    assert.ok(genericSecret(high, "token"));
  });

  it("hex: 16 chars or more, under a name that says secret", () => {
    const hex = t.hex(32, 4);
    assert.ok(entropy(hex) >= 3);
    assert.ok(genericSecret(hex, "SECRET_KEY"));
    assert.ok(genericSecret(hex, "api_key"));
    assert.ok(!genericSecret(hex, "cache_key"), "a digest under a plain key");
    assert.ok(!genericSecret(hex.slice(0, 15), "SECRET_KEY"));
  });

  it("not values: references, UUIDs, dates, versions, paths, names, URLs", () => {
    for (const v of [
      "$API_KEY_2",
      "${API_KEY_2}",
      "$(cat key2)",
      "%API_KEY%",
      "550e8400-e29b-41d4-a716-446655440000",
      "2025-01-15T10:00:00Z",
      "v10.2.3-rc1",
      "./certs/key2.pem",
      "~/.ssh/id_ed25519",
      "X25519PublicKey",
      "os.environ.API_KEY2",
      "https://x.io/a1b2c3d4e5",
    ]) {
      assert.ok(!genericSecret(v, "secret"), v);
    }
  });
});

describe("streaming: tokens of the new rules split across PTY chunks", () => {
  const split = (text: string, secret: string, rule: string) => {
    for (let cut = 1; cut < text.length; cut++) {
      const got = stream([text.slice(0, cut), text.slice(cut)]);
      const tail = secret.slice(-Math.min(12, secret.length - 4));
      assert.ok(!got.includes(tail), `leaked at cut ${cut}: ${got}`);
      assert.ok(got.includes(`[MASKED:${rule}]`), `not masked at cut ${cut}: ${got}`);
    }
  };

  it("a fine-grained GitHub token", () => split(`$ echo ${t.githubFine()}\r\n`, t.githubFine(), "github"));
  it("a GitLab token", () => split(`token: ${t.gitlab()}\r\n`, t.gitlab(), "gitlab"));
  it("a Stripe key", () => split(`${t.stripeLive()}\r\n`, t.stripeLive(), "stripe"));
  it("a secret assignment", () => split(`export API_KEY=${fake(32, 5)}\r\n`, fake(32, 5), "generic_secret"));
  it("a password assignment", () => split(`DB_PASSWORD="s3cr3t-P@ssw0rd-2026!"\r\n`, "s3cr3t-P@ssw0rd-2026!", "password"));
  it("a password flag", () => split(`$ app --password hunter22x9 --verbose\r\n`, "hunter22x9", "password"));
  it("a mysql -p password", () => split(`$ mysql -u root -h db.internal -pHunter2x99 app\r\n`, "Hunter2x99", "password"));
  it("a password split by a colour code", () => split(`password=Hunter2\x1b[1mSuper\x1b[0mSecretValue99x\r\n`, "SecretValue99x", "password"));
  it("a URL password", () => split(`postgres://app:${fake(20, 6)}@db:5432/x\r\n`, fake(20, 6), "url_credentials"));
  it("a private key block in a JSON line", () => {
    const key = JSON.stringify(pem("EC", 3)).slice(1, -1);
    split(`{"out":"${key}"}\n`, key, "private_key");
  });

  it("holds only the value of an unfinished assignment, and nothing at a password prompt", () => {
    const m = new StreamMasker(none, 1_000_000);
    assert.equal(m.push(Buffer.from("export API_KEY=a8Kd")).toString(), "export API_KEY=");
    assert.equal(m.push(Buffer.from(fake(24, 7) + "\r\n")).toString(), "[MASKED:generic_secret]\r\n");
    assert.equal(m.push(Buffer.from("Password: ")).toString(), "Password: ");
    assert.ok(!m.holding);
  });
});
