// The cloud families (src/masking/families/cloud.ts) in the ways their secrets are written that
// the property test's generic contexts do not cover: names in every case and form (env, JSON,
// YAML, PowerShell, headers), connection strings, SAS URLs, and stream masking of URL-encoded
// signatures. Values are built at run time from a fixed seed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskText, StreamMasker } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";

const none = new SecretValues();
const mask = (text: string) => maskText(text, none).text;

let seed = 12345;
function chars(n: number, alphabet: string): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    s += alphabet[(seed >>> 8) % alphabet.length];
  }
  return s;
}
const HEX = "0123456789abcdef";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64 = ALNUM + "+/";
const uuid = () => [8, 4, 4, 4, 12].map((n) => chars(n, HEX)).join("-");

function stream(parts: string[]): string {
  const m = new StreamMasker(new SecretValues(), 1_000_000);
  const out = parts.map((p) => m.push(Buffer.from(p, "latin1")));
  out.push(m.flush());
  return Buffer.concat(out).toString("latin1");
}

/** `text` with `secret` masked as `rule`, and nothing else changed. */
function masksAs(text: string, secret: string, rule: string): void {
  assert.ok(text.includes(secret));
  assert.equal(mask(text), text.replace(secret, `[MASKED:${rule}]`), text);
  const json = JSON.stringify({ type: "tool_result", content: `$ cat .env\n${text}\n` });
  const masked = mask(json);
  assert.equal((JSON.parse(masked) as { content: string }).content, `$ cat .env\n${text.replace(secret, `[MASKED:${rule}]`)}\n`, json);
}

describe("cloud token families in context", () => {
  it("masks a UUID-shaped key under its provider's name in every form of assignment", () => {
    for (const [form, rule] of [
      ["export HEROKU_API_KEY=%s", "heroku"],
      ['"HEROKU_API_KEY": "%s"', "heroku"],
      ["heroku_api_key: %s", "heroku"],
      ['$env:HEROKU_API_KEY = "%s"', "heroku"],
      ['herokuApiKey = "%s"', "heroku"],
      ["HEROKU_API_TOKEN_PROD=%s", "heroku"],
      ["SNYK_TOKEN: '%s'", "snyk"],
      ["snyk auth %s", "snyk"],
      ["snyk config set api=%s", "snyk"],
      ["//registry.npmjs.org/:_authToken=%s", "npm_legacy_token"],
      ['npmAuthToken: "%s"', "npm_legacy_token"],
      ["RAILWAY_TOKEN=%s", "railway"],
      ["SCW_SECRET_KEY=%s", "scaleway"],
    ] as const) {
      const secret = uuid();
      masksAs(form.replace("%s", secret), secret, rule);
    }
  });

  it("leaves a UUID alone under a provider's name that is no secret's (ids, a key's id)", () => {
    for (const form of [
      "HEROKU_APP_ID=%s",
      "HEROKU_KEY_ID=%s",
      "heroku_dyno: %s",
      "SNYK_ORG=%s",
      "SCW_ACCESS_KEY_ID=%s",
      "RAILWAY_PROJECT_ID=%s",
      "request_id: %s",
      "api_key_id = %s",
    ]) {
      const text = form.replace("%s", uuid());
      assert.equal(mask(text), text);
    }
  });

  it("masks Cloudflare tokens and keys under the names tools give them", () => {
    for (const [form, rule, secret] of [
      ["CLOUDFLARE_API_TOKEN=%s", "cloudflare_api_token", chars(40, ALNUM + "_-")],
      ['export CF_Token="%s"', "cloudflare_api_token", chars(40, ALNUM)],
      ['"cloudflareApiToken": "%s"', "cloudflare_api_token", chars(40, ALNUM)],
      ['export CF_Key="%s"', "cloudflare_global_api_key", chars(37, HEX)],
      ["curl -H 'X-Auth-Key: %s' https://api.cloudflare.com/client/v4/zones", "cloudflare_global_api_key", chars(37, HEX)],
    ] as const) {
      masksAs(form.replace("%s", secret), secret, rule);
    }
  });

  it("masks a legacy Vault token only under VAULT_TOKEN or X-Vault-Token, and hvs. tokens anywhere", () => {
    const legacy = "s." + chars(24, ALNUM);
    masksAs(`export VAULT_TOKEN="${legacy}"`, legacy, "hashicorp_vault");
    masksAs(`curl -H "X-Vault-Token: ${legacy}" https://vault:8200/v1/secret/data/app`, legacy, "hashicorp_vault");
    const text = `config.s.${chars(24, ALNUM)}`;
    assert.equal(mask(text), text);
    const hvs = "hv" + "s." + chars(24, ALNUM);
    masksAs(`Root Token: ${hvs}`, hvs, "hashicorp_vault");
  });

  it("masks the keys of Azure connection strings, in appsettings.json too", () => {
    const accountKey = chars(86, B64) + "==";
    masksAs(
      `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${accountKey};EndpointSuffix=core.windows.net`,
      accountKey,
      "azure_storage_account_key",
    );
    const json = `{"ConnectionStrings": {"Storage": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${accountKey};EndpointSuffix=core.windows.net"}}`;
    assert.equal(mask(json), json.replace(accountKey, "[MASKED:azure_storage_account_key]"));
    const sharedKey = chars(43, B64) + "=";
    masksAs(
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${sharedKey}`,
      sharedKey,
      "azure_shared_access_key",
    );
  });

  it("masks a SAS signature wherever sig= stands in a query with sv= or se=, HTML-escaped too", () => {
    const signature = encodeURIComponent(chars(43, B64) + "=");
    for (const url of [
      `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&sig=${signature}`,
      `https://acct.blob.core.windows.net/c/b.txt?sig=${signature}&sv=2022-11-02&se=2026-12-31`,
      `<a href="https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&amp;se=2026-12-31&amp;sig=${signature}">`,
    ]) {
      masksAs(url, signature, "azure_sas_token");
    }
    const other = `https://example.com/webhook?id=7&sig=${signature}`;
    assert.equal(mask(other), other);
  });

  it("holds a URL-encoded SAS signature cut anywhere, emitting none of it", () => {
    const signature = encodeURIComponent(Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 97 + 251) % 256)).toString("base64"));
    assert.match(signature, /%2[BF].*%3D$/);
    const url = `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2026-12-31&sp=r&sig=`;
    const text = `out: ${url}${signature}\r\n`;
    for (let cut = text.indexOf("sig=") + 4; cut < text.length - 2; cut++) {
      assert.equal(stream([text.slice(0, cut), text.slice(cut)]), `out: ${url}[MASKED:azure_sas_token]\r\n`, `cut at ${cut}`);
    }
  });

  it("masks a base64 PEM private key (kubeconfig client-key-data) but not a base64 certificate", () => {
    const pemKey = ["-----BEGIN RSA PRIVATE", "KEY-----"].join(" ") + "\n" + chars(800, B64) + "\n" + ["-----END RSA PRIVATE", "KEY-----"].join(" ") + "\n";
    const data = Buffer.from(pemKey).toString("base64");
    masksAs(`    client-key-data: ${data}`, data, "private_key_base64");
    const cert = Buffer.from("-----BEGIN CERTIFICATE-----\n" + chars(800, B64) + "\n-----END CERTIFICATE-----\n").toString("base64");
    const text = `    client-certificate-data: ${cert}`;
    assert.equal(mask(text), text);
  });
});
