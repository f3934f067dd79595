// Token formats of cloud, infrastructure and developer-platform providers, one rule each (or one per
// distinct format). Tried after the families in rules.ts and before the generic rules; see
// rule-kit.ts for how a rule is written.
//
// Where a regex follows one of gitleaks' rules (MIT, github.com/gitleaks/gitleaks,
// config/gitleaks.toml) the comment says so; bodies and bounds are tightened where the provider
// documents them, and every repetition is bounded.
import { randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";
import { backRule, END, FLY_TOKEN, KEY, mixedCase, namedRule, randomAlnum, randomAlnumUpper, randomHex, randomUuid, SECRET, TOKEN, UUID } from "./cloud-kit.js";

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
  // .npmrc's _authToken (and Yarn's npmAuthToken) holding a legacy, UUID-shaped npm token.
  namedRule("npm_legacy_token", ["Token"], /^(?:_auth|npmAuth)Token$/, `${UUID}${END}`, randomUuid, {
    family: "npm",
    note: "a UUID after _authToken= (.npmrc) or npmAuthToken: (.yarnrc.yml)",
  }),
  namedRule("snyk", TOKEN, /snyk/i, `${UUID}${END}`, randomUuid, { family: "Snyk", note: "a UUID under a name like SNYK_TOKEN" }),
  regexRule(
    "snyk",
    ["snyk auth ", "snyk config set api="],
    String.raw`(snyk (?:auth[ \t]{1,4}|config set api=)(?:\\{0,7}["'])?)${UUID}${END}`,
    (s) => randomUuid(s),
    { family: "Snyk", keep: true, prefix: true },
  ),
  // sgp_ + 40 hex, or sgp_<16 hex instance id or local>_<40 hex> (after trufflehog's sourcegraph detector).
  regexRule("sourcegraph", ["sgp_"], String.raw`${B}sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40}${END}`, (s) => randomHex(s.slice(-40)), {
    family: "Sourcegraph",
  }),
  namedRule("sourcegraph", TOKEN, /sourcegraph|^src_access_token$/i, String.raw`[a-fA-F0-9]{40}${END}`, (s) => randomHex(s), {
    family: "Sourcegraph",
    note: "sgp_ tokens; 40 hex under a name like SRC_ACCESS_TOKEN",
  }),
  // Personal (dckr_pat_) and organization (dckr_oat_) access tokens.
  regexRule("docker_hub", ["dckr_pat_", "dckr_oat_"], String.raw`${B}dckr_[po]at_[A-Za-z0-9_-]{27,64}${END}`, (s) => randomAlnum(s.slice(9)), {
    family: "Docker Hub",
  }),
  // Personal access tokens (sbp_ + 40 hex) and secret API keys (sb_secret_; sb_publishable_ keys are public).
  regexRule("supabase", ["sbp_"], String.raw`${B}sbp_(?:oauth_)?[a-f0-9]{40}${END}`, (s) => randomHex(s.slice(-40)), { family: "Supabase" }),
  regexRule("supabase", ["sb_secret_"], String.raw`${B}sb_secret_[A-Za-z0-9_-]{24,80}${END}`, (s) => randomAlnum(s.slice(10)), { family: "Supabase" }),
  // pscale_tkn_ (service tokens), pscale_pw_ (database passwords), pscale_oauth_ (gitleaks' planetscale-*).
  regexRule(
    "planetscale",
    ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
    String.raw`${B}pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_=.-]{32,64}${END}`,
    (s) => randomAlnum(s.slice(s.indexOf("_", 7) + 1)),
    { family: "PlanetScale" },
  ),
  regexRule("render", ["rnd_"], String.raw`${B}rnd_[A-Za-z0-9]{24,64}${END}`, (s) => randomAlnum(s.slice(4)), { family: "Render" }),
  // Netlify personal access tokens (nfp_); the older unprefixed ones under a netlify name (gitleaks' netlify-access-token).
  regexRule("netlify", ["nfp_"], String.raw`${B}nfp_[A-Za-z0-9_]{36,46}${END}`, (s) => randomAlnum(s.slice(4)), { family: "Netlify" }),
  namedRule("netlify", TOKEN, /netlify/i, String.raw`[A-Za-z0-9_-]{40,46}${END}`, (s) => randomAlnum(s), {
    family: "Netlify",
    note: "nfp_ tokens; 40-46 chars under a name like NETLIFY_AUTH_TOKEN",
  }),
  // Railway tokens are UUIDs: masked under RAILWAY_TOKEN / RAILWAY_API_TOKEN.
  namedRule("railway", TOKEN, /railway/i, `${UUID}${END}`, randomUuid, { family: "Railway", note: "a UUID under a name like RAILWAY_TOKEN" }),
  // age identities: AGE-SECRET-KEY-1 + 58 bech32 chars.
  regexRule(
    "age_secret_key",
    ["AGE-SECRET-KEY-1"],
    String.raw`${B}AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Za-z0-9])`,
    (s) => randomEnough(s.slice(16), 3.5),
    { family: "age" },
  ),
  // Artifactory API keys (AKCp + 69) and reference tokens (base64 of reftkn:01:…), after gitleaks' artifactory-*.
  regexRule("jfrog", ["AKCp"], String.raw`${B}AKCp[A-Za-z0-9]{69}(?![A-Za-z0-9])`, (s) => randomEnough(s, 4), { family: "JFrog Artifactory" }),
  regexRule("jfrog", ["cmVmdGtuOjAxOj"], String.raw`${B}cmVmdGtuOjAxOj[A-Za-z0-9]{50}(?![A-Za-z0-9])`, (s) => randomEnough(s, 4), {
    family: "JFrog Artifactory",
  }),
  // Access key ids (LTAI + 12-20) and, under a name like ALIBABA_CLOUD_ACCESS_KEY_SECRET, 30-char secrets.
  regexRule("alibaba_cloud", ["LTAI"], String.raw`${B}LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])`, (s) => randomAlnum(s.slice(4)), { family: "Alibaba Cloud" }),
  namedRule("alibaba_cloud", SECRET, /alibaba|alicloud|aliyun/i, String.raw`[A-Za-z0-9]{30}(?![A-Za-z0-9])`, (s) => randomAlnum(s), {
    family: "Alibaba Cloud",
    note: "LTAI access key ids; 30-char secrets under a name like ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  }),
  // Secret keys are UUIDs, under SCW_SECRET_KEY (the access key, SCW + 17, is an id).
  namedRule("scaleway", KEY, /^scw_secret_key$/i, `${UUID}${END}`, randomUuid, { family: "Scaleway", note: "a UUID under SCW_SECRET_KEY" }),
  // Personal access tokens: 64 hex under LINODE_TOKEN, LINODE_CLI_TOKEN, linode_api_token.
  namedRule("linode", TOKEN, /linode/i, `[a-f0-9]{64}${END}`, (s) => randomHex(s), {
    family: "Linode (Akamai)",
    note: "64 hex under a name like LINODE_TOKEN",
  }),
  // API tokens: 00 + 40 chars, in an `Authorization: SSWS` header or under an okta name (gitleaks' okta-access-token).
  regexRule("okta", ["SSWS "], String.raw`(SSWS[ \t]{1,4})00[A-Za-z0-9_-]{40}${END}`, (s) => randomAlnum(s.slice(2)), {
    family: "Okta",
    keep: true,
    prefix: true,
  }),
  namedRule("okta", TOKEN, /okta/i, `00[A-Za-z0-9_-]{40}${END}`, (s) => randomAlnum(s.slice(2)), {
    family: "Okta",
    note: "00 + 40 chars after SSWS or under a name like OKTA_API_TOKEN",
  }),
  // CircleCI personal (CCIPAT_) and project (CCIPRJ_) API tokens: 22 chars, _, 40 hex.
  regexRule(
    "circleci",
    ["CCIPAT_", "CCIPRJ_"],
    String.raw`${B}CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-fA-F0-9]{40}${END}`,
    (s) => randomHex(s.slice(-40)) && randomEnough(s.slice(7, 29), 3.2),
    { family: "CircleCI" },
  ),
  // Tailscale auth, API, OAuth client, SCIM and webhook keys: tskey-<kind>-<id>-<secret>.
  regexRule(
    "tailscale",
    ["tskey-"],
    String.raw`${B}tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{8,32}-[A-Za-z0-9]{20,64}${END}`,
    (s) => randomAlnum(s.slice(s.lastIndexOf("-") + 1)),
    {
      family: "Tailscale",
    },
  ),
  // Google OAuth client secrets (GOCSPX-) and access tokens (ya29.), which gcloud prints.
  regexRule("google_oauth", ["GOCSPX-"], String.raw`${B}GOCSPX-[A-Za-z0-9_-]{28}${END}`, (s) => randomAlnum(s.slice(7)), { family: "Google Cloud" }),
  regexRule("google_oauth", ["ya29."], String.raw`${B}ya29\.[A-Za-z0-9_-]{30,2048}${END}`, (s) => randomAlnum(s.slice(5)), { family: "Google Cloud" }),
  // Service Bus, Event Hubs and Relay connection strings: a SharedAccessKey of 32 bytes as 44 base64 chars.
  namedRule("azure_shared_access_key", ["Key"], /^SharedAccessKey$/, String.raw`[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])`, (s) => randomEnough(s, 4), {
    family: "Microsoft Azure",
    note: "44 base64 chars after SharedAccessKey= in a connection string",
  }),
  // STS session tokens: base64 of a protobuf that begins "!\n\torigin_ec" (IQoJb3JpZ2luX2Vj) or,
  // in older ones, "\x17\n\x06zr/aws" (FwoGZXIvYXdzE); URL-encoded in presigned URLs (X-Amz-Security-Token=).
  regexRule(
    "aws_session_token",
    ["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"],
    String.raw`${B}(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)(?:[A-Za-z0-9+/]|%2[BbFf]){100,4096}(?:=|%3[Dd]){0,2}(?![A-Za-z0-9+/=%])`,
    (s) => randomEnough(s, 4),
    {
      family: "AWS",
    },
  ),
  // A PEM private key as base64 (kubeconfig client-key-data, a Secret's tls.key, an env var):
  // base64 of "-----BEGIN", its label decoded and checked to be a private key's.
  regexRule(
    "private_key_base64",
    ["LS0tLS1CRUdJTi"],
    String.raw`${B}LS0tLS1CRUdJTi[A-Za-z0-9+/]{200,16384}={0,2}(?![A-Za-z0-9+/=])`,
    (s) => /^-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----/.test(Buffer.from(s.slice(0, 80), "base64").toString("latin1")),
    {
      family: "Private keys",
    },
  ),
  // CLOJARS_ + 60 (gitleaks' clojars-api-token).
  regexRule(
    "clojars",
    ["CLOJARS_"],
    String.raw`${B}CLOJARS_[a-z0-9]{60}(?![A-Za-z0-9])`,
    (s) => randomHex(s.slice(8)) || (/[0-9]/.test(s.slice(8)) && randomEnough(s.slice(8), 4)),
    { family: "Clojars" },
  ),
  // dt0c01.<24>.<64> (gitleaks' dynatrace-api-token).
  regexRule("dynatrace", ["dt0c01."], String.raw`${B}dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(32), 3.5), {
    family: "Dynatrace",
  }),
  // API-XXXX…: 26 upper-case letters and digits (gitleaks' octopus-deploy-api-key).
  regexRule("octopus_deploy", ["API-"], String.raw`${B}API-[A-Z0-9]{26}(?![A-Za-z0-9_-])`, (s) => randomAlnumUpper(s.slice(4)), { family: "Octopus Deploy" }),
  // sha256~ + 43 base64url (gitleaks' openshift-user-token).
  regexRule("openshift", ["sha256~"], String.raw`${B}sha256~[A-Za-z0-9_-]{43}${END}`, (s) => randomAlnum(s.slice(7)), { family: "Red Hat OpenShift" }),
  regexRule("prefect", ["pnu_"], String.raw`${B}pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, (s) => randomAlnum(s.slice(4)), { family: "Prefect" }),
  regexRule("rubygems", ["rubygems_"], String.raw`${B}rubygems_[a-f0-9]{48}(?![A-Za-z0-9])`, (s) => randomHex(s.slice(9)), { family: "RubyGems" }),
  // SonarQube / SonarCloud user (squ_), project (sqp_) and global analysis (sqa_) tokens: 40 hex.
  regexRule("sonarqube", ["squ_", "sqp_", "sqa_"], String.raw`${B}sq[upa]_[a-f0-9]{40}${END}`, (s) => randomHex(s.slice(4)), { family: "SonarQube" }),
];

/** The query around a SAS signature names a version (sv=) or an expiry (se=). */
function sasQuery(text: string, start: number, end: number): boolean {
  let from = start;
  while (from > 0 && from > start - 1024 && !/[\s"'\\<>?]/.test(text[from - 1]!)) from--;
  let to = end;
  while (to < text.length && to < end + 1024 && !/[\s"'\\<>#]/.test(text[to]!)) to++;
  return /(?:^|[?&;=])s[ve]=/.test(text.slice(from - (text[from - 1] === "?" ? 1 : 0), to));
}
