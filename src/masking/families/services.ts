// Token formats of SaaS, chat and business services, one rule each (or one per
// distinct format). Tried after the families in rules.ts and before the generic rules; see
// rule-kit.ts for how a rule is written. Several formats are adapted from gitleaks'
// config/gitleaks.toml (MIT) and trufflehog's detectors; each rule says where it differs.
import { classChanges, entropy, placeholder, randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";

const escape = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A hex body: random hex of 32 chars has ~3.8 bits per char, of 12 ~3.2; `0123…` and `deadbeef…` repeats fall short. */
const hex = (s: string) => randomEnough(s, s.length < 16 ? 2 : s.length < 24 ? 2.5 : 3);
/**
 * A random-looking body of letters (and digits): both cases, changing class (not `ABCDEFabcdef`),
 * high entropy. Not `mixed`: a random body of 22 chars lacks a digit
 * one time in 40.
 */
const rnd = (s: string, h = 4) => /[a-z]/.test(s) && /[A-Z]/.test(s) && classChanges(s) >= 2 && randomEnough(s, h);
const FAMILY = (family: string, note?: string) => ({ family, note });

/**
 * What follows a provider's name in an assignment up to its value: the rest of the name, closing
 * quotes, an operator, an opening quote, an auth scheme (as rules.ts's ASSIGNMENT_KEEP, which this
 * file cannot import: rules.ts imports it).
 */
const NAME_REST = String.raw`[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}(?:=>?|:=?)[ \t]{0,4}(?:\\{0,7}["'\x60])?(?:(?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]+)?`;
/** The scan's lookahead after a provider's name: the same source as rules.ts's ASSIGNMENT_CONTEXT, so the scan tries both at once. */
const NAME_CONTEXT = String.raw`(?=[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}[:=])`;
const cased = (w: string) => [...new Set([w.toLowerCase(), w[0]!.toUpperCase() + w.slice(1).toLowerCase(), w, w.toUpperCase()])];

/**
 * A secret with no prefix of its own (a UUID, 32 hex), masked only as the value assigned to a name
 * that starts with one of `names` (`HUBSPOT_API_KEY=`, `"datadogApiKey": "`): the name stays
 * visible. `end` is what may not follow the value (it was longer: not this format). `accept`
 * sees the value and the visible name with its operator.
 */
function named(id: string, family: string, names: readonly string[], value: string, end: string, accept: (s: string, name: string) => boolean, note: string): Rule {
  return regexRule(id, names, String.raw`((?:${names.map(escape).join("|")})${NAME_REST})(?:${value})(?!${end})`, (s, m) => accept(s, m[1]!), {
    family,
    note,
    keep: true,
    keywordContext: NAME_CONTEXT,
  });
}

/**
 * A rule whose keyword is not the token's start (`:AA` of a Telegram token, `-us` of a Mailchimp
 * key): the rule is tried from where the token would start, up to `back` chars of `chars` before
 * the keyword.
 */
function fromBefore(rule: Rule, back: number, chars: RegExp): Rule {
  return {
    ...rule,
    find(text, at) {
      let s = at;
      while (s > at - back && s > 0 && chars.test(text[s - 1]!)) s--;
      return rule.find(text, s);
    },
  };
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const UUID_ANY = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** A UUID-shaped key: random hex, not `00000000-0000-…` nor `12345678-1234-…`. */
const uuidKey = (s: string) => !placeholder(s) && entropy(s.replace(/-/g, "")) >= 3 && !/^(?:12345678|00000000|abcdef)/i.test(s);
/** A name that says the value is public (a search-only or publishable key), not a secret. */
const PUBLIC_NAME = /search|public|publishable|_pub|pub_|client_?id|app_?id|site/i;

/**
 * A Discord bot token's first part is the bot's user id (17-20 digits) in base64 without padding:
 * each 3 digits become 4 chars of a narrow set ([MNO][DTjz][AEIMQUYcgk][w-z0-5]), which makes the
 * format recognisable without a name. Then a timestamp (6 chars) and an HMAC (27 or 38).
 */
const DISCORD_ID = String.raw`[MNO][DTjz][AEIMQUYcgk][w-z0-5]`;
const DISCORD_KEYWORDS = ["M", "N", "O"].flatMap((a) => ["D", "T", "j", "z"].map((b) => a + b));

export const SERVICE_RULES: readonly Rule[] = [
  regexRule("discord", DISCORD_KEYWORDS, String.raw`${B}(?:${DISCORD_ID}){5}[A-Za-z0-9_-]{3,7}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])`, (s) => randomEnough(s.slice(s.lastIndexOf(".") + 1), 3.5), {
    ...FAMILY("Discord", "bot tokens: the bot's id in base64, a timestamp, an HMAC"),
    keywordContext: String.raw`(?=[AEIMQUYcgk][w-z0-5](?:${DISCORD_ID}){4})`,
  }),
  // The webhook's id stays readable; its token is the secret.
  regexRule("discord", ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"], String.raw`(discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/)[A-Za-z0-9_-]{60,80}(?![A-Za-z0-9_-])`, (s) => randomEnough(s), {
    ...FAMILY("Discord", "webhook URLs: the token after the id"),
    keep: true,
    prefix: true,
  }),
  // `<bot id>:AA<33 chars>`: the secret part always starts with AA (gitleaks asks for an A and a
  // name saying telegram; the AA and the exact length say enough without one).
  fromBefore(
    regexRule("telegram_bot_token", [":AA"], String.raw`(?:${B}|(?<=\/bot))[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(s.indexOf(":") + 3), 3.5), FAMILY("Telegram", "bot tokens: <bot id>:AA<33 chars>")),
    10,
    /[0-9]/,
  ),
  // An API key's SID (SK + 32 hex) is half of a credential; gitleaks flags it, and a transcript
  // that shows it usually shows the secret next to it. Account SIDs (AC…) are ids in every URL: left.
  regexRule("twilio", ["SK"], String.raw`${B}SK[0-9a-f]{32}(?![A-Za-z0-9])`, (s) => hex(s.slice(2)), {
    ...FAMILY("Twilio", "API key SIDs (SK + 32 hex); auth tokens only under a name like TWILIO_AUTH_TOKEN"),
    keywordContext: "(?=[0-9a-f]{32}(?![A-Za-z0-9]))",
  }),
  named("twilio", "Twilio", cased("Twilio"), "[A-Za-z0-9]{32}", "[A-Za-z0-9]", (s, name) => /token|secret|auth|key/i.test(name) && (/^[0-9a-f]+$/.test(s) ? hex(s) : rnd(s)), "auth tokens (32 hex) and API key secrets (32 chars) under a name like TWILIO_AUTH_TOKEN"),
  regexRule("shopify", ["shpat_", "shpca_", "shppa_", "shpss_"], String.raw`${B}shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9])`, (s) => hex(s.slice(6)), FAMILY("Shopify")),
  // Org tokens: sntrys_ + base64 of a JSON claim (`{"iat":…`) + _ + a 43-char secret.
  regexRule("sentry", ["sntrys_", "sntryu_"], String.raw`${B}(?:sntrys_eyJ[A-Za-z0-9+/]{20,400}={0,2}_[A-Za-z0-9+/]{43}|sntryu_[a-f0-9]{64})(?![A-Za-z0-9+/=])`, (s) => (s.startsWith("sntryu_") ? hex(s.slice(7)) : randomEnough(s.slice(-43), 3.5)), FAMILY("Sentry", "org (sntrys_) and user (sntryu_) auth tokens")),
  regexRule("notion", ["ntn_"], String.raw`${B}ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])`, (s) => rnd(s.slice(15), 3.5), FAMILY("Notion", "ntn_ tokens; legacy secret_ + 43 chars")),
  // The legacy integration token: `secret_` starts many names, so only 43 random alphanumerics
  // with a digit (a name of 43 letters has none; a random body lacks one once in 2000).
  regexRule("notion", ["secret_"], String.raw`${B}secret_[A-Za-z0-9]{43}(?![A-Za-z0-9_])`, (s) => /[0-9]/.test(s) && rnd(s.slice(7), 4), {
    ...FAMILY("Notion"),
    keywordContext: "(?=[A-Za-z0-9]{43}(?![A-Za-z0-9_]))",
  }),
  regexRule("linear", ["lin_api_", "lin_oauth_"], String.raw`${B}(?:lin_api_[A-Za-z0-9]{40}|lin_oauth_[a-f0-9]{64})(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(s.indexOf("_", 4) + 1), 3), FAMILY("Linear")),
  regexRule("postman", ["PMAK-"], String.raw`${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9])`, (s) => hex(s.slice(5)), FAMILY("Postman")),
  // API tokens end in `=` + an 8-hex checksum.
  regexRule("atlassian", ["ATATT3", "ATCTT3"], String.raw`${B}AT[AC]TT3[A-Za-z0-9_=-]{150,250}(?![A-Za-z0-9_=-])`, (s) => randomEnough(s, 4), FAMILY("Atlassian", "API tokens (ATATT3…, ATCTT3…)")),
  // Square's EAAA tokens are exactly 64 chars; Meta's are 100+ (see meta below).
  regexRule("square", ["EAAA", "sq0atp-", "sq0csp-"], String.raw`${B}(?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(s.startsWith("EAAA") ? 4 : 7), 3.5), FAMILY("Square", "access tokens (EAAA…, sq0atp-) and OAuth secrets (sq0csp-)")),
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
    }),
    32,
    /[0-9a-f]/,
  ),
  regexRule("hubspot", ["pat-na1-", "pat-eu1-", "pat-na2-", "pat-ap1-"], String.raw`${B}pat-(?:na|eu|ap)[12]-${UUID}(?![A-Za-z0-9-])`, (s) => uuidKey(s.slice(8)), FAMILY("HubSpot", "private app tokens (pat-na1-…); legacy UUID keys only under a name like HUBSPOT_API_KEY")),
  named("hubspot", "HubSpot", cased("HubSpot"), UUID_ANY, "[A-Za-z0-9-]", (s, name) => !PUBLIC_NAME.test(name) && uuidKey(s), "legacy API keys (a UUID) under a name like HUBSPOT_API_KEY"),
  // Private keys key-<32 hex> (legacy) and <32 hex>-<8 hex>-<8 hex>, only under a name saying mailgun.
  named("mailgun", "Mailgun", cased("Mailgun"), "key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}", "[A-Za-z0-9-]", (s) => hex(s.replace(/^key-/, "").slice(0, 32)), "private API keys under a name like MAILGUN_API_KEY"),
  regexRule("mandrill", ["md-"], String.raw`${B}md-[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(3), 3.5), {
    ...FAMILY("Mandrill (Mailchimp Transactional)"),
    keywordContext: "(?=[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-]))",
  }),
  named("postmark", "Postmark", cased("Postmark"), UUID, "[A-Za-z0-9-]", (s, name) => /token|key|secret|auth/i.test(name) && uuidKey(s), "server and account tokens (a UUID) under a name like POSTMARK_SERVER_TOKEN"),
  regexRule("brevo", ["xkeysib-", "xsmtpsib-"], String.raw`${B}x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}(?![A-Za-z0-9])`, (s) => hex(s.slice(s.indexOf("-") + 1, s.indexOf("-") + 65)), FAMILY("Brevo (Sendinblue)", "API (xkeysib-) and SMTP (xsmtpsib-) keys")),
  regexRule("braintree", ["access_token$production$", "access_token$sandbox$"], String.raw`${B}access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}(?![A-Za-z0-9])`, (s) => hex(s.slice(-32)), FAMILY("PayPal Braintree", "access_token$production$…")),
  regexRule("plaid", ["access-production-", "access-sandbox-", "access-development-"], String.raw`${B}access-(?:production|sandbox|development)-${UUID}(?![A-Za-z0-9-])`, (s) => uuidKey(s.slice(s.length - 36)), FAMILY("Plaid", "access tokens")),
  regexRule("dropbox", ["sl."], String.raw`${B}sl\.(?:u\.)?[A-Za-z0-9_-]{130,1400}(?![A-Za-z0-9_-])`, (s) => rnd(s, 4.5), {
    ...FAMILY("Dropbox", "short-lived access tokens (sl.…, 130+ chars)"),
    keywordContext: "(?=(?:u\\.)?[A-Za-z0-9_-]{130})",
  }),
  named("zendesk", "Zendesk", cased("Zendesk"), "[A-Za-z0-9]{40}", "[A-Za-z0-9]", (s, name) => /token|key|secret|auth/i.test(name) && rnd(s, 4), "API tokens (40 chars) under a name like ZENDESK_API_TOKEN"),
  // Personal access tokens: `2/<user id>/<app id>:<32 hex>` or the older `1/<id>:<32 hex>`.
  named("asana", "Asana", cased("Asana"), "[0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32}", "[A-Za-z0-9]", (s) => hex(s.slice(-32)), "personal access tokens under a name like ASANA_TOKEN"),
  regexRule("airtable", ["pat"], String.raw`${B}pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?![A-Za-z0-9])`, (s) => hex(s.slice(-64)), {
    ...FAMILY("Airtable", "personal access tokens (pat + 14 + . + 64 hex)"),
    keywordContext: "(?=[A-Za-z0-9]{14}\\.[a-f0-9]{64})",
  }),
  // Access tokens are base64 of `tok:…`.
  regexRule("intercom", ["dG9rO"], String.raw`${B}dG9rO[g-v][A-Za-z0-9+/]{40,80}={0,2}(?![A-Za-z0-9+/=])`, (s) => randomEnough(s, 4), FAMILY("Intercom", "access tokens (base64 of tok:…)")),
  regexRule("new_relic", ["NRAK-", "NRJS-", "NRII-"], String.raw`${B}(?:NRAK-[A-Z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])`, (s) => (s.startsWith("NRJS-") ? hex(s.slice(5)) : randomEnough(s.slice(5), 3)), FAMILY("New Relic", "user (NRAK-), browser (NRJS-) and insert (NRII-) keys")),
  named("datadog", "Datadog", [...cased("Datadog"), "DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "dd_api_key", "dd_app_key"], "[0-9a-f]{40}|[0-9a-f]{32}", "[A-Za-z0-9]", (s, name) => /key|token|secret/i.test(name) && hex(s), "API (32 hex) and application (40 hex) keys under a name like DD_API_KEY"),
  regexRule("segment", ["sgp_"], String.raw`${B}sgp_[A-Za-z0-9]{64}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(4), 4), FAMILY("Segment", "public API tokens (sgp_)")),
  named("twitch", "Twitch", cased("Twitch"), "[a-z0-9]{30}", "[A-Za-z0-9]", (s, name) => /token|secret/i.test(name) && /[0-9]/.test(s) && /[a-z]/.test(s) && randomEnough(s, 3.5), "OAuth tokens and client secrets (30 chars) under a name like TWITCH_CLIENT_SECRET"),
  // App-only bearer tokens: 22 A's (URL-encoded: %2B, %3D) then the token.
  regexRule("twitter", ["AAAAAAAAAAAAAAAAAAAAA"], String.raw`${B}A{21,22}[A-Za-z0-9%]{60,120}(?![A-Za-z0-9%])`, (s) => {
    const body = s.replace(/A{3,}|%[0-9A-F]{2}/g, "");
    return body.length >= 40 && !placeholder(body) && entropy(body) >= 4.5;
  }, FAMILY("Twitter / X", "app bearer tokens (AAAA…)")),
  regexRule("typeform", ["tfp_"], String.raw`${B}tfp_[A-Za-z0-9_.=-]{40,70}(?![A-Za-z0-9_.=-])`, (s) => rnd(s.slice(4), 4), FAMILY("Typeform")),
  regexRule("figma", ["figd_", "figu_"], String.raw`${B}fig[du]_[A-Za-z0-9_-]{38,50}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(5), 4), FAMILY("Figma", "personal access tokens (figd_)")),
  regexRule("contentful", ["CFPAT-"], String.raw`${B}CFPAT-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => randomEnough(s.slice(6), 4), FAMILY("Contentful", "personal access tokens (CFPAT-); delivery tokens under a name like CONTENTFUL_ACCESS_TOKEN")),
  named("contentful", "Contentful", cased("Contentful"), "[A-Za-z0-9_-]{43}", "[A-Za-z0-9_-]", (s, name) => /token|key|secret/i.test(name) && !/preview|space|env/i.test(name.replace(/token.*/i, "")) && rnd(s, 4), "delivery and management tokens (43 chars) under a name like CONTENTFUL_ACCESS_TOKEN"),
  // Admin and write keys; a search-only key is public (it ships in web pages).
  named("algolia", "Algolia", cased("Algolia"), "[0-9a-f]{32}", "[A-Za-z0-9]", (s, name) => /key|token|secret/i.test(name) && !PUBLIC_NAME.test(name) && hex(s), "admin and write API keys (32 hex) under a name like ALGOLIA_ADMIN_KEY; search-only keys are public"),
  named("okta", "Okta", cased("Okta"), "00[A-Za-z0-9_-]{40}", "[A-Za-z0-9_-]", (s, name) => /token|key|secret/i.test(name) && rnd(s.slice(2), 4), "API tokens (00 + 40 chars) under a name like OKTA_API_TOKEN"),
  regexRule("frameio", ["fio-u-"], String.raw`${B}fio-u-[A-Za-z0-9_=-]{64}(?![A-Za-z0-9_=-])`, (s) => randomEnough(s.slice(6), 4), FAMILY("Frame.io")),
  regexRule("duffel", ["duffel_test_", "duffel_live_"], String.raw`${B}duffel_(?:test|live)_[A-Za-z0-9_=-]{43}(?![A-Za-z0-9_=-])`, (s) => randomEnough(s.slice(12), 4), FAMILY("Duffel")),
  regexRule("easypost", ["EZAK", "EZTK"], String.raw`${B}EZ[AT]K[A-Za-z0-9]{54}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(4), 4), FAMILY("EasyPost", "production (EZAK) and test (EZTK) keys")),
  // Secret keys (FLWSECK-…-X, FLWSECK_TEST-…-X) and the encryption key (FLWSECK_TEST + 12 hex:
  // too short to judge by entropy, the prefix says enough).
  regexRule("flutterwave", ["FLWSECK"], String.raw`${B}FLWSECK(?:_TEST)?(?:-[a-fA-F0-9]{32}-X|-?[a-fA-F0-9]{12})(?![A-Za-z0-9])`, (s) => (s.endsWith("-X") ? hex(s.slice(-34, -2)) : !placeholder(s)), FAMILY("Flutterwave", "secret keys (FLWSECK…) and encryption keys")),
  // live_ starts many names: only 40 mixed chars (GoCardless' length).
  regexRule("gocardless", ["live_"], String.raw`${B}live_[A-Za-z0-9_=-]{40}(?![A-Za-z0-9_=-])`, (s) => rnd(s.slice(5), 4), {
    ...FAMILY("GoCardless", "live access tokens (live_ + 40 chars)"),
    keywordContext: "(?=[A-Za-z0-9_=-]{40}(?![A-Za-z0-9_=-]))",
  }),
  named("lob", "Lob", ["LOB_", "lob_", "Lob_", "lobApi", "lobKey", "lobSecret"], "(?:live|test)_[a-f0-9]{35}", "[A-Za-z0-9]", (s) => hex(s.slice(5)), "API keys (live_/test_ + 35 hex) under a name like LOB_API_KEY"),
  regexRule("readme", ["rdme_"], String.raw`${B}rdme_[a-z0-9]{70}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(5), 4), FAMILY("ReadMe")),
  regexRule("prefect", ["pnu_"], String.raw`${B}pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("Prefect")),
  regexRule("shippo", ["shippo_live_", "shippo_test_"], String.raw`${B}shippo_(?:live|test)_[a-fA-F0-9]{40}(?![A-Za-z0-9])`, (s) => hex(s.slice(12)), FAMILY("Shippo")),
  regexRule("dynatrace", ["dt0c01."], String.raw`${B}dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(32), 4), FAMILY("Dynatrace")),
  fromBefore(
    regexRule("maxmind", ["_mmk"], String.raw`${B}[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk(?![A-Za-z0-9])`, (s) => rnd(s.slice(7, 36), 3.5), { ...FAMILY("MaxMind", "license keys (…_mmk)"), prefix: false }),
    36,
    /[A-Za-z0-9_]/,
  ),
  regexRule("mapbox", ["sk.eyJ"], String.raw`${B}sk\.eyJ[A-Za-z0-9_-]{40,300}\.[A-Za-z0-9_-]{20,40}(?![A-Za-z0-9_-])`, (s) => randomEnough(s, 4), FAMILY("Mapbox", "secret tokens (sk.eyJ…; pk. tokens are public)")),
  // AI providers with a prefix of their own (Anthropic, OpenAI and Hugging Face are in rules.ts).
  regexRule("replicate", ["r8_"], String.raw`${B}r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])`, (s) => rnd(s.slice(3), 4), FAMILY("Replicate")),
  regexRule("groq", ["gsk_"], String.raw`${B}gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("Groq")),
  regexRule("perplexity", ["pplx-"], String.raw`${B}pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(5), 4), FAMILY("Perplexity")),
  regexRule("xai", ["xai-"], String.raw`${B}xai-[A-Za-z0-9]{80}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("xAI")),
  // sk- + 32 lower-case hex: OpenAI's rule asks for mixed case, which these lack.
  regexRule("deepseek", ["sk-"], String.raw`${B}sk-[a-f0-9]{32}(?![A-Za-z0-9_-])`, (s) => hex(s.slice(3)), FAMILY("DeepSeek", "sk- + 32 hex")),
  regexRule("openrouter", ["sk-or-v1-"], String.raw`${B}sk-or-v1-[a-f0-9]{64}(?![A-Za-z0-9])`, (s) => hex(s.slice(9)), FAMILY("OpenRouter")),
  regexRule("langsmith", ["lsv2_pt_", "lsv2_sk_"], String.raw`${B}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}(?![A-Za-z0-9])`, (s) => hex(s.slice(8, 40)), FAMILY("LangSmith")),
  regexRule("tavily", ["tvly-"], String.raw`${B}tvly-(?:(?:dev|prod)-)?[A-Za-z0-9]{32}(?![A-Za-z0-9])`, (s) => rnd(s.slice(-32), 4), FAMILY("Tavily")),
  regexRule("together", ["tgp_v1_"], String.raw`${B}tgp_v1_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(7), 4), FAMILY("Together AI")),
  named("mistral", "Mistral AI", cased("Mistral"), "[A-Za-z0-9]{32}", "[A-Za-z0-9]", (s, name) => /key|token|secret/i.test(name) && rnd(s, 4), "API keys (32 chars) under a name like MISTRAL_API_KEY"),
  named("cohere", "Cohere", [...cased("Cohere"), "CO_API_KEY"], "[A-Za-z0-9]{40}", "[A-Za-z0-9]", (s, name) => /key|token|secret/i.test(name) && rnd(s, 4), "API keys (40 chars) under a name like COHERE_API_KEY or CO_API_KEY"),
];
