// Token formats of developer platforms, package registries, hosts and identity providers (npm,
// Snyk, Docker Hub, Supabase, Netlify, Okta, Tailscale, Google OAuth, AWS STS…), one rule each (or
// one per distinct format): the rest of the cloud rules, tried right after cloud.ts's (it spreads
// these at its end; RULES' order decides overlaps). See rule-kit.ts for how a rule is written.
//
// Where a regex follows one of gitleaks' rules (MIT, github.com/gitleaks/gitleaks,
// config/gitleaks.toml) the comment says so; bodies and bounds are tightened where the provider
// documents them, and every repetition is bounded.
import { randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";
import { END, KEY, namedRule, randomAlnum, randomAlnumUpper, randomHex, randomUuid, SECRET, TOKEN, UUID } from "./cloud-kit.js";

export const CLOUD_PLATFORM_RULES: readonly Rule[] = [
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
