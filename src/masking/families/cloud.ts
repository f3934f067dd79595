// Token formats of cloud, infrastructure and developer-platform providers, one rule each (or one per
// distinct format): Cloudflare, Azure, Vault, Terraform, DigitalOcean, Fly.io, Doppler, 1Password,
// Bedrock, Heroku… here, the rest in cloud-platforms.ts (tried right after these). Tried after the
// families in rules.ts and before the generic rules; see rule-kit.ts for how a rule is written.
//
// Where a regex follows one of gitleaks' rules (MIT, github.com/gitleaks/gitleaks,
// config/gitleaks.toml) the comment says so; bodies and bounds are tightened where the provider
// documents them, and every repetition is bounded.
import { randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";
import { backRule, END, FLY_TOKEN, KEY, mixedCase, namedRule, randomAlnum, randomAlnumUpper, randomHex, randomUuid, TOKEN, UUID } from "./cloud-kit.js";
import { CLOUD_PLATFORM_RULES } from "./cloud-platforms.js";

export const CLOUD_RULES: readonly Rule[] = [
  // Cloudflare API tokens are 40 base64url chars with no prefix; global API keys 37 hex (both
  // after gitleaks' cloudflare-api-key / -global-api-key). acme.sh names them CF_Token / CF_Key.
  namedRule("cloudflare_api_token", TOKEN, /cloudflare|^cf_(?:api_)?token$/i, `[A-Za-z0-9_-]{40}${END}`, (s) => randomAlnum(s), {
    family: "Cloudflare",
    note: "40 chars under a name like CLOUDFLARE_API_TOKEN, CF_API_TOKEN",
  }),
  namedRule("cloudflare_global_api_key", KEY, /cloudflare|^cf_(?:api_)?key$|^x-auth-key$/i, `[a-f0-9]{37}${END}`, (s) => randomHex(s), {
    family: "Cloudflare",
    note: "37 hex under a name like CLOUDFLARE_API_KEY, CF_API_KEY, X-Auth-Key",
  }),
  // Origin CA keys: v1.0-<24 hex>-<146 hex> (gitleaks' cloudflare-origin-ca-key), under a Cloudflare
  // or origin name (CF_ORIGIN_CA_KEY, api_user_service_key): the shape is the provider's own, but its first
  // letter would cost the keyword scan more than these rare keys are worth.
  namedRule(
    "cloudflare_origin_ca_key",
    KEY,
    /origin|cloudflare|^cf_|service_key/i,
    String.raw`v1\.0-[a-f0-9]{24}-[a-f0-9]{146}${END}`,
    (s) => randomHex(s.slice(5)),
    {
      family: "Cloudflare",
      note: "v1.0-<24 hex>-<146 hex> under a name like CF_ORIGIN_CA_KEY",
    },
  ),

  // Entra ID (Azure AD) client secrets: 3 chars, a digit, Q~, 31-34 chars (gitleaks'
  // azure-ad-client-secret). `.` and `~` are in the alphabet: neither may precede the secret.
  backRule(
    "azure_ad_client_secret",
    ["Q~"],
    4,
    String.raw`(?:(?<![A-Za-z0-9_~.-])|(?<=\\[nrt]|\x1b\[[0-9;]{0,20}[mK]|\\u001[bB]\[[0-9;]{0,20}[mK]))[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`,
    (s) => randomEnough(s.slice(6), 3.5) && /[A-Za-z]/.test(s.slice(6)) && /[0-9]/.test(s.slice(6)),
    {
      family: "Microsoft Azure",
      note: "xxx9Q~ + 31-34 chars",
    },
  ),
  // A storage account's key in its connection string: 64 bytes as 88 base64 chars.
  namedRule("azure_storage_account_key", ["Key"], /^AccountKey$/, String.raw`[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])`, (s) => randomEnough(s, 4), {
    family: "Microsoft Azure",
    note: "88 base64 chars after AccountKey= in a connection string",
  }),
  // A shared access signature: the sig= of a URL query that also has sv= (the version) or se=
  // (the expiry), before or after it; the signature is masked, the rest of the URL stays readable.
  regexRule(
    "azure_sas_token",
    ["sig="],
    String.raw`(?<=[?&;])(sig=)(?:[A-Za-z0-9+/]|%2[BbFf]){30,120}(?:=|%3[Dd]){0,2}(?![A-Za-z0-9+/=%])`,
    (s, m, text) => randomEnough(s, 4) && sasQuery(text, m.index, m.index + m[0].length),
    { family: "Microsoft Azure", note: "sig= of a URL query with sv= or se=", keep: true, prefix: true },
  ),

  // Vault tokens: hvs. (service), hvb. (batch), hvr. (recovery); the legacy s. / b. tokens only
  // under VAULT_TOKEN or X-Vault-Token (gitleaks' vault-service-token / vault-batch-token). A
  // service token is 24 chars in a dev server, 90+ with a namespace's protobuf prefix.
  regexRule(
    "hashicorp_vault",
    ["hvs.", "hvb.", "hvr."],
    String.raw`${B}(?:hv[sr]\.[A-Za-z0-9_-]{24,300}|hvb\.[A-Za-z0-9_-]{100,400})${END}`,
    (s) => randomAlnum(s.slice(4)),
    { family: "HashiCorp Vault" },
  ),
  namedRule("hashicorp_vault", TOKEN, /vault[_-]?token$/i, String.raw`[sb]\.[A-Za-z0-9]{24}(?![A-Za-z0-9_.-])`, (s) => randomAlnum(s.slice(2)), {
    family: "HashiCorp Vault",
    note: "hvs./hvb./hvr. tokens; legacy s./b. tokens under VAULT_TOKEN or X-Vault-Token",
  }),
  // Terraform Cloud / Enterprise API tokens: <14-char id>.atlasv1.<60-70 chars> (gitleaks' hashicorp-tf-api-token).
  backRule("terraform_cloud", [".atlasv1."], 14, String.raw`${B}[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}${END}`, (s) => randomEnough(s.slice(23), 3.5), {
    family: "HashiCorp Terraform Cloud",
  }),

  // dapi + 32 hex, an optional -N (gitleaks' databricks-api-token).
  regexRule("databricks", ["dapi"], String.raw`${B}dapi[a-f0-9]{32}(?:-[0-9])?${END}`, (s) => randomHex(s.slice(4, 36)), { family: "Databricks" }),
  // Personal (dop_), OAuth (doo_), refresh (dor_) tokens: _v1_ + 64 hex.
  regexRule("digitalocean", ["dop_v1_", "doo_v1_", "dor_v1_"], String.raw`${B}do[opr]_v1_[a-f0-9]{64}${END}`, (s) => randomHex(s.slice(7)), {
    family: "DigitalOcean",
  }),
  // Service account tokens (glsa_ + 32 + _ + 8 hex checksum), Cloud tokens (glc_ + base64 JSON),
  // and the older API keys (base64 of {"k":"…: eyJrIjoi).
  regexRule(
    "grafana",
    ["glsa_", "glc_"],
    String.raw`${B}(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,3})(?![A-Za-z0-9_+/=-])`,
    (s) => randomEnough(s, 3.5) && mixedCase(s.slice(s.indexOf("_") + 1)),
    {
      family: "Grafana",
    },
  ),
  regexRule("grafana", ["eyJrIjoi"], String.raw`${B}eyJrIjoi[A-Za-z0-9+/]{60,400}={0,3}(?![A-Za-z0-9_+/=-])`, (s) => randomEnough(s, 3.5) && mixedCase(s), {
    family: "Grafana",
  }),
  // fo1_ (org tokens), fm1a_/fm1r_/fm2_ macaroons, which FlyV1 headers carry comma-separated (gitleaks' flyio-access-token).
  regexRule("flyio", ["FlyV1 "], String.raw`(FlyV1[ \t]{1,4})${FLY_TOKEN}(?:,${FLY_TOKEN}){0,8}`, (s) => randomAlnum(s.slice(4)), {
    family: "Fly.io",
    keep: true,
    prefix: true,
  }),
  namedRule("flyio", TOKEN, /fly/i, FLY_TOKEN, (s) => randomAlnum(s.slice(4)), {
    family: "Fly.io",
    note: "FlyV1 headers and tokens; fo1_/fm2_ tokens under a name like FLY_API_TOKEN",
  }),
  regexRule("pulumi", ["pul-"], String.raw`${B}pul-[a-f0-9]{40}${END}`, (s) => randomHex(s.slice(4)), { family: "Pulumi" }),
  // Personal, service (with the config's slug), CLI, service account, SCIM and audit tokens (after trufflehog's doppler detector).
  regexRule(
    "doppler",
    ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
    String.raw`${B}dp\.(?:pt|st(?:\.[a-z0-9_-]{2,35})?|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}${END}`,
    (s) => randomAlnum(s.slice(s.lastIndexOf(".") + 1)),
    {
      family: "Doppler",
    },
  ),
  // Service account tokens: ops_ + base64 of a JSON object (gitleaks' 1password-service-account-token).
  regexRule("onepassword_service_account", ["ops_eyJ"], String.raw`${B}ops_eyJ[A-Za-z0-9+/]{250,8192}={0,3}(?![A-Za-z0-9+/=])`, (s) => randomEnough(s, 4), {
    family: "1Password",
  }),
  // Secret keys: A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX (gitleaks' 1password-secret-key).
  regexRule(
    "onepassword_secret_key",
    ["A3-"],
    String.raw`${B}A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}(?![A-Za-z0-9])`,
    (s) => randomAlnumUpper(s.slice(3)),
    { family: "1Password" },
  ),
  // Long-lived keys (ABSK + base64 of BedrockAPIKey-…) and short-lived ones (bedrock-api-key- +
  // base64 of a presigned bedrock.amazonaws.com URL), after gitleaks' aws-amazon-bedrock-api-key-*.
  regexRule("aws_bedrock", ["ABSK"], String.raw`${B}ABSK[A-Za-z0-9+/]{109,269}={0,2}(?![A-Za-z0-9+/=])`, (s) => randomEnough(s, 4), {
    family: "Amazon Bedrock",
  }),
  regexRule(
    "aws_bedrock",
    ["bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"],
    String.raw`${B}bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{40,8192}={0,2}(?![A-Za-z0-9+/=])`,
    (s) => randomEnough(s, 4),
    {
      family: "Amazon Bedrock",
    },
  ),
  // HRKU-AA + 58 chars; the legacy keys are UUIDs, masked under a name like HEROKU_API_KEY.
  regexRule("heroku", ["HRKU-"], String.raw`${B}HRKU-AA[A-Za-z0-9_-]{58}${END}`, (s) => randomAlnum(s.slice(7)), { family: "Heroku" }),
  namedRule("heroku", [...KEY, ...TOKEN], /heroku/i, `${UUID}${END}`, randomUuid, {
    family: "Heroku",
    note: "HRKU- keys; UUID keys under a name like HEROKU_API_KEY",
  }),
  ...CLOUD_PLATFORM_RULES,
];

/** The query around a SAS signature names a version (sv=) or an expiry (se=). */
function sasQuery(text: string, start: number, end: number): boolean {
  let from = start;
  while (from > 0 && from > start - 1024 && !/[\s"'\\<>?]/.test(text[from - 1]!)) from--;
  let to = end;
  while (to < text.length && to < end + 1024 && !/[\s"'\\<>#]/.test(text[to]!)) to++;
  return /(?:^|[?&;=])s[ve]=/.test(text.slice(from - (text[from - 1] === "?" ? 1 : 0), to));
}
