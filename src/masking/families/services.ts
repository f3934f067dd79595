// Token formats of SaaS, chat and business services, one rule each (or one per
// distinct format): chat services first (services-chat.ts), then the business services here, then AI
// providers (services-ai.ts) and the providers known by name only (services-named.ts). Tried after
// the families in rules.ts and before the generic rules; see rule-kit.ts for how a rule is written. Several formats are adapted from gitleaks'
// config/gitleaks.toml (MIT) and trufflehog's detectors; each rule says where it differs.
import { entropy, placeholder, randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";
import { FAMILY, fromBefore, hex, rnd, UUID, uuidKey } from "./services-kit.js";
import { AI_SERVICE_RULES } from "./services-ai.js";
import { CHAT_SERVICE_RULES } from "./services-chat.js";
import { NAMED_SERVICE_RULES } from "./services-named.js";

export const SERVICE_RULES: readonly Rule[] = [
  ...CHAT_SERVICE_RULES,
  // An API key's SID (SK + 32 hex) is half of a credential; gitleaks flags it, and a transcript
  // that shows it usually shows the secret next to it. Account SIDs (AC…) are ids in every URL: left.
  regexRule("twilio", ["SK"], String.raw`${B}SK[0-9a-f]{32}(?![A-Za-z0-9])`, (s) => hex(s.slice(2)), {
    ...FAMILY("Twilio", "API key SIDs (SK + 32 hex); auth tokens only under a name like TWILIO_AUTH_TOKEN"),
    keywordContext: "(?=[0-9a-f]{32}(?![A-Za-z0-9]))",
  }),
  regexRule(
    "shopify",
    ["shpat_", "shpca_", "shppa_", "shpss_"],
    String.raw`${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9])`,
    (s) => hex(s.slice(6)),
    FAMILY("Shopify"),
  ),
  // Org tokens: sntrys_ + base64 of a JSON claim (`{"iat":…`) + _ + a 43-char secret.
  regexRule(
    "sentry",
    ["sntrys_", "sntryu_"],
    String.raw`${B}(?:sntrys_eyJ[A-Za-z0-9+/]{20,400}={0,2}_[A-Za-z0-9+/]{43}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=])`,
    (s) => (s.startsWith("sntryu_") ? hex(s.slice(7)) : randomEnough(s.slice(-43), 3.5)),
    FAMILY("Sentry", "org (sntrys_) and user (sntryu_) auth tokens"),
  ),
  regexRule(
    "notion",
    ["ntn_"],
    String.raw`${B}ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])`,
    (s) => rnd(s.slice(15), 3.5),
    FAMILY("Notion", "ntn_ tokens; legacy secret_ + 43 chars"),
  ),
  // The legacy integration token: `secret_` starts many names, so only 43 random alphanumerics
  // with a digit (a name of 43 letters has none; a random body lacks one once in 2000).
  regexRule("notion", ["secret_"], String.raw`${B}secret_[A-Za-z0-9]{43}(?![A-Za-z0-9_])`, (s) => /[0-9]/.test(s) && rnd(s.slice(7), 4), {
    ...FAMILY("Notion"),
    keywordContext: "(?=[A-Za-z0-9]{43}(?![A-Za-z0-9_]))",
  }),
  regexRule(
    "linear",
    ["lin_api_", "lin_oauth_"],
    String.raw`${B}(?:lin_api_[A-Za-z0-9]{40}|lin_oauth_[a-f0-9]{64})(?![A-Za-z0-9])`,
    (s) => randomEnough(s.slice(s.indexOf("_", 4) + 1), 3),
    FAMILY("Linear"),
  ),
  regexRule("postman", ["PMAK-"], String.raw`${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9])`, (s) => hex(s.slice(5)), FAMILY("Postman")),
  // API tokens end in `=` + an 8-hex checksum.
  regexRule(
    "atlassian",
    ["ATATT3", "ATCTT3"],
    String.raw`${B}AT[AC]TT3[A-Za-z0-9_=-]{150,250}(?![A-Za-z0-9_=-])`,
    (s) => randomEnough(s, 4),
    FAMILY("Atlassian", "API tokens (ATATT3…, ATCTT3…)"),
  ),
  // Square's EAAA tokens are exactly 64 chars; Meta's are 100+ (see meta below).
  regexRule(
    "square",
    ["EAAA", "sq0atp-", "sq0csp-"],
    String.raw`${B}(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`,
    (s) => rnd(s.slice(s.startsWith("EAAA") ? 4 : 7), 3.5),
    FAMILY("Square", "access tokens (EAAA…, sq0atp-) and OAuth secrets (sq0csp-)"),
  ),
  // EAA + the app's letter + a long base62 body: most words that start with EAA are short.
  regexRule("meta", ["EAA"], String.raw`${B}EAA[A-Z][A-Za-z0-9]{96,400}(?![A-Za-z0-9_-])`, (s) => rnd(s, 4.5), {
    ...FAMILY("Meta", "Facebook / Instagram / WhatsApp access tokens (EAA…, 100+ chars)"),
    keywordContext: "(?=[A-Z][A-Za-z0-9]{96})",
  }),
  // 32 hex + the data centre (-us6, -us21).
  fromBefore(
    regexRule("mailchimp", ["-us"], String.raw`${B}[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9])`, (s) => hex(s.slice(0, 32)), {
      ...FAMILY("Mailchimp", "API keys: 32 hex + -us<n>"),
      prefix: false, // the secret is before the keyword: holding from it would not keep it back
      keywordContext: "(?=[0-9]{1,2}(?![A-Za-z0-9]))",
      // 8 hex or more at a stream's end are held (a hash cut by a chunk waits for the next, or
      // holdMs); 1 to 7 may go out, of 32.
      partial: String.raw`(?<![0-9a-f])[0-9a-f]{8,32}(?:-(?:us?)?)?`,
    }),
    32,
    /[0-9a-f]/,
    7,
  ),
  regexRule(
    "hubspot",
    ["pat-na1-", "pat-eu1-", "pat-na2-", "pat-ap1-"],
    String.raw`${B}pat-(?:na|eu|ap)[12]-${UUID}(?![A-Za-z0-9-])`,
    (s) => uuidKey(s.slice(8)),
    FAMILY("HubSpot", "private app tokens (pat-na1-…); legacy UUID keys only under a name like HUBSPOT_API_KEY"),
  ),
  // Private keys key-<32 hex> (legacy) and <32 hex>-<8 hex>-<8 hex>, only under a name saying mailgun.
  regexRule("mandrill", ["md-"], String.raw`${B}md-[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(3), 3.5), {
    ...FAMILY("Mandrill (Mailchimp Transactional)"),
    keywordContext: "(?=[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-]))",
  }),
  regexRule(
    "brevo",
    ["xkeysib-", "xsmtpsib-"],
    String.raw`${B}x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}(?![A-Za-z0-9])`,
    (s) => hex(s.slice(s.indexOf("-") + 1, s.indexOf("-") + 65)),
    FAMILY("Brevo (Sendinblue)", "API (xkeysib-) and SMTP (xsmtpsib-) keys"),
  ),
  regexRule(
    "braintree",
    ["access_token$production$", "access_token$sandbox$"],
    String.raw`${B}access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}(?![A-Za-z0-9])`,
    (s) => hex(s.slice(-32)),
    FAMILY("PayPal Braintree", "access_token$production$…"),
  ),
  regexRule(
    "plaid",
    ["access-production-", "access-sandbox-", "access-development-"],
    String.raw`${B}access-(?:production|sandbox|development)-${UUID}(?![A-Za-z0-9-])`,
    (s) => uuidKey(s.slice(s.length - 36)),
    FAMILY("Plaid", "access tokens"),
  ),
  regexRule("dropbox", ["sl."], String.raw`${B}sl\.(?:u\.)?[A-Za-z0-9_-]{130,1400}(?![A-Za-z0-9_-])`, (s) => rnd(s, 4.5), {
    ...FAMILY("Dropbox", "short-lived access tokens (sl.…, 130+ chars)"),
    keywordContext: "(?=(?:u\\.)?[A-Za-z0-9_-]{130})",
  }),
  // Personal access tokens: `2/<user id>/<app id>:<32 hex>` or the older `1/<id>:<32 hex>`.
  regexRule("airtable", ["pat"], String.raw`${B}pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?![A-Za-z0-9])`, (s) => hex(s.slice(-64)), {
    ...FAMILY("Airtable", "personal access tokens (pat + 14 + . + 64 hex)"),
    keywordContext: "(?=[A-Za-z0-9]{14}\\.[a-f0-9]{64})",
  }),
  // Access tokens are base64 of `tok:…`.
  regexRule(
    "intercom",
    ["dG9rO"],
    String.raw`${B}dG9rO[g-v][A-Za-z0-9+/]{40,80}={0,2}(?![A-Za-z0-9+/=])`,
    (s) => randomEnough(s, 4),
    FAMILY("Intercom", "access tokens (base64 of tok:…)"),
  ),
  regexRule(
    "new_relic",
    ["NRAK-", "NRJS-", "NRII-"],
    String.raw`${B}(?:NRAK-[A-Za-z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])`,
    (s) => (s.startsWith("NRJS-") ? hex(s.slice(5)) : randomEnough(s.slice(5), 3)),
    FAMILY("New Relic", "user (NRAK-), browser (NRJS-) and insert (NRII-) keys"),
  ),
  regexRule(
    "segment",
    ["sgp_"],
    String.raw`${B}sgp_[A-Za-z0-9]{64}(?![A-Za-z0-9])`,
    (s) => randomEnough(s.slice(4), 4),
    FAMILY("Segment", "public API tokens (sgp_)"),
  ),
  // App-only bearer tokens: 22 A's (URL-encoded: %2B, %3D) then the token.
  regexRule(
    "twitter",
    ["AAAAAAAAAAAAAAAAAAAAA"],
    String.raw`${B}A{21,22}[A-Za-z0-9%]{60,120}(?![A-Za-z0-9%])`,
    (s) => {
      const body = s.replace(/A{3,}|%[0-9A-F]{2}/g, "");
      return body.length >= 40 && !placeholder(body) && entropy(body) >= 4.5;
    },
    FAMILY("Twitter / X", "app bearer tokens (AAAA…)"),
  ),
  regexRule("typeform", ["tfp_"], String.raw`${B}tfp_[A-Za-z0-9_.=-]{40,70}(?![A-Za-z0-9_.=-])`, (s) => rnd(s.slice(4), 4), FAMILY("Typeform")),
  regexRule(
    "figma",
    ["figd_", "figu_"],
    String.raw`${B}fig[du]_[A-Za-z0-9_-]{38,50}(?![A-Za-z0-9_-])`,
    (s) => rnd(s.slice(5), 4),
    FAMILY("Figma", "personal access tokens (figd_)"),
  ),
  regexRule(
    "contentful",
    ["CFPAT-"],
    String.raw`${B}CFPAT-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`,
    (s) => randomEnough(s.slice(6), 4),
    FAMILY("Contentful", "personal access tokens (CFPAT-); delivery tokens under a name like CONTENTFUL_ACCESS_TOKEN"),
  ),
  // Admin and write keys; a search-only key is public (it ships in web pages).
  regexRule("frameio", ["fio-u-"], String.raw`${B}fio-u-[A-Za-z0-9_=-]{64}(?![A-Za-z0-9_=-])`, (s) => randomEnough(s.slice(6), 4), FAMILY("Frame.io")),
  regexRule(
    "duffel",
    ["duffel_test_", "duffel_live_"],
    String.raw`${B}duffel_(?:test|live)_[A-Za-z0-9_=-]{43}(?![A-Za-z0-9_=-])`,
    (s) => randomEnough(s.slice(12), 4),
    FAMILY("Duffel"),
  ),
  regexRule(
    "easypost",
    ["EZAK", "EZTK"],
    String.raw`${B}EZ[AT]K[A-Za-z0-9]{54}(?![A-Za-z0-9])`,
    (s) => randomEnough(s.slice(4), 4),
    FAMILY("EasyPost", "production (EZAK) and test (EZTK) keys"),
  ),
  // Secret keys (FLWSECK-…-X, FLWSECK_TEST-…-X) and the encryption key (FLWSECK_TEST + 12 hex:
  // too short to judge by entropy, the prefix says enough).
  regexRule(
    "flutterwave",
    ["FLWSECK"],
    String.raw`${B}FLWSECK(?:_TEST)?(?:-[A-Za-z0-9]{32}-X|-?[a-fA-F0-9]{12})(?![A-Za-z0-9])`,
    (s) => (s.endsWith("-X") ? hex(s.slice(-34, -2)) : !placeholder(s)),
    FAMILY("Flutterwave", "secret keys (FLWSECK…) and encryption keys"),
  ),
  // live_ starts many names: only 40 mixed chars (GoCardless' length).
  regexRule("gocardless", ["live_"], String.raw`${B}live_[A-Za-z0-9_=-]{40}(?![A-Za-z0-9_=-])`, (s) => rnd(s.slice(5), 4), {
    ...FAMILY("GoCardless", "live access tokens (live_ + 40 chars)"),
    keywordContext: "(?=[A-Za-z0-9_=-]{40}(?![A-Za-z0-9_=-]))",
  }),
  regexRule("readme", ["rdme_"], String.raw`${B}rdme_[a-z0-9]{70}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(5), 4), FAMILY("ReadMe")),
  regexRule("prefect", ["pnu_"], String.raw`${B}pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("Prefect")),
  regexRule(
    "shippo",
    ["shippo_live_", "shippo_test_"],
    String.raw`${B}shippo_(?:live|test)_[a-fA-F0-9]{40}(?![A-Za-z0-9])`,
    (s) => hex(s.slice(12)),
    FAMILY("Shippo"),
  ),
  regexRule(
    "dynatrace",
    ["dt0c01."],
    String.raw`${B}dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}(?![A-Za-z0-9])`,
    (s) => randomEnough(s.slice(32), 4),
    FAMILY("Dynatrace"),
  ),
  fromBefore(
    regexRule("maxmind", ["_mmk"], String.raw`${B}[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk(?![A-Za-z0-9])`, (s) => rnd(s.slice(7, 36), 3.5), {
      ...FAMILY("MaxMind", "license keys (…_mmk)"),
      prefix: false,
      // Six chars and `_` at a stream's end start holding; they may go out, the 29 after them not.
      partial: String.raw`(?<![A-Za-z0-9_])[A-Za-z0-9]{6}_[A-Za-z0-9]{0,29}(?:_(?:mm?)?)?`,
    }),
    36,
    /[A-Za-z0-9_]/,
    7,
  ),
  regexRule(
    "mapbox",
    ["sk.eyJ"],
    String.raw`${B}sk\.eyJ[A-Za-z0-9_-]{40,300}\.[A-Za-z0-9_-]{20,40}(?![A-Za-z0-9_-])`,
    (s) => randomEnough(s, 4),
    FAMILY("Mapbox", "secret tokens (sk.eyJ…; pk. tokens are public)"),
  ),
  ...AI_SERVICE_RULES,
  ...NAMED_SERVICE_RULES,
];
