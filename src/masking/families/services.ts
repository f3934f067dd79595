// Token formats of SaaS, chat and business services, one rule each (or one per
// distinct format). Tried after the families in rules.ts and before the generic rules; see
// rule-kit.ts for how a rule is written. Several formats are adapted from gitleaks'
// config/gitleaks.toml (MIT) and trufflehog's detectors; each rule says where it differs.
import { classChanges, entropy, placeholder, randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";

/**
 * A hex body: random hex of 32 chars has ~3.8 bits per char (3 or less about once in a
 * thousand), of 12 ~3.2; `deadbeef…` repeats and `0000…` fall short.
 */
const hex = (s: string) => randomEnough(s, s.length < 16 ? 2 : s.length < 24 ? 2.5 : 2.8);
/**
 * A random-looking body of letters (and digits): both cases, changing class (not `ABCDEFabcdef`),
 * high entropy. Not `mixed`: a random body of 22 chars lacks a digit
 * one time in 40.
 */
const rnd = (s: string, h = 4) => /[a-z]/.test(s) && /[A-Z]/.test(s) && classChanges(s) >= 2 && randomEnough(s, h);
const FAMILY = (family: string, note?: string) => ({ family, note });

/**
 * What follows a secret word in an assignment up to its value: the rest of the name, closing
 * quotes, an operator, an opening quote, an auth scheme (as rules.ts's ASSIGNMENT_KEEP, which this
 * file cannot import: rules.ts imports it).
 */
const NAME_REST = String.raw`[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}(?:=>?|:=?)[ \t]{0,4}(?:\\{0,7}["'\x60])?(?:(?:[Bb]earer|[Bb]asic|[Tt]oken)[ \t]+)?`;
/**
 * The words a provider's secret is named with (`HUBSPOT_API_KEY`, `twilioAuthToken`, `X-Postmark-
 * Server-Token`) and the scan's lookahead after them: the generic rule's keywords and context in
 * rules.ts, so the scan reports them anyway and a provider's name costs the scan nothing.
 */
const SECRET_WORDS = ["key", "token", "secret", "auth"].flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()]);
const SECRET_WORD = `(?:${SECRET_WORDS.join("|")})`;
const NAME_CONTEXT = String.raw`(?=[A-Za-z0-9_.-]{0,40}[\\"'\x60\]]{0,6}[ \t]{0,4}[:=])`;

/**
 * A provider whose secret has no prefix of its own (a UUID, 32 hex): masked only as the value of a
 * name in which `name` (case-insensitive) comes before a secret word: HUBSPOT_API_KEY=,
 * "datadogApiKey": ". The name stays visible. `end` is what may not follow the value (it was
 * longer: not this format); `accept` sees the value and the whole name with its operator.
 */
interface Named {
  id: string;
  family: string;
  name: string;
  value: string;
  end: string;
  accept: (s: string, name: string) => boolean;
  note: string;
}

/** The chars of a name, by char code: `[A-Za-z0-9_.-]`. */
const NAME_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") NAME_CHAR[c.charCodeAt(0)] = 1;
/** The named providers, in one regex tried on the identifier before a secret word (group i+1: NAMED[i]). */
let namedAny: RegExp | null = null;
let lastText = "";
let lastAt = -1;
let lastProvider = -1;
let lastBefore = "";
/**
 * Which named provider the identifier before the secret word at `at` names (-1: none), computed
 * once for all the named rules tried at that keyword: most keywords in code and transcripts name
 * none, and each costs a walk back over the name and one regex test.
 */
function providerAt(text: string, at: number): number {
  if (at === lastAt && text === lastText) return lastProvider;
  lastText = text;
  lastAt = at;
  lastProvider = -1;
  let from = at;
  while (from > at - 40 && from > 0 && NAME_CHAR[text.charCodeAt(from - 1)] === 1) from--;
  if (at - from < 2) return -1; // shorter than any provider's name
  from += escapeEnd(text, from, at);
  lastBefore = text.slice(from, at);
  const m = namedAny!.exec(lastBefore);
  if (m) lastProvider = m.slice(1).findIndex((g) => g !== undefined);
  return lastProvider;
}

/**
 * How many chars at `from` (the start of a name found by walking back) end an escape rather than
 * start the name: the letter of a JSON escape (`\\nDD_API_KEY`), the end of a colour code.
 */
function escapeEnd(text: string, from: number, at: number): number {
  const before = text[from - 1];
  if (before === "\\") return 1;
  if (before !== "[" && before !== ";") return 0;
  if (!ESCAPE_START.test(text.slice(Math.max(0, from - 30), from))) return 0;
  return /^[0-9]{0,20}[mK]/.exec(text.slice(from, at))?.[0].length ?? 0;
}
const ESCAPE_START = /(?:\x1b|\\u001[bB])\[[0-9;]{0,20}$/;

function namedRules(table: readonly Named[]): Rule[] {
  namedAny = new RegExp(table.map((n) => `(${n.name})`).join("|"), "i");
  return table.map((n, i) => {
    const source = String.raw`(${SECRET_WORD}${NAME_REST})(?:${n.value})(?!${n.end})`;
    const re = new RegExp(source, "y");
    return {
      name: n.id,
      family: n.family,
      note: n.note,
      pattern: `${n.name} (any case) before ${source}`,
      keywords: SECRET_WORDS,
      prefix: false,
      keywordContext: NAME_CONTEXT,
      gate: { which: providerAt, key: i },
      find(text, at) {
        if (providerAt(text, at) !== i) return null;
        re.lastIndex = at;
        const m = re.exec(text);
        if (!m) return null;
        const start = at + m[1]!.length;
        const end = at + m[0].length;
        return n.accept(text.slice(start, end), lastBefore + m[1]!) ? { start, end } : null;
      },
    };
  });
}

/**
 * A rule whose keyword is not the token's start (`:AA` of a Telegram token, `-us` of a Mailchimp
 * key): the rule is tried from where the token would start, up to `back` chars of `chars` before
 * the keyword. On a stream those chars may go out before the keyword arrives (Rule.lead), unless
 * the rule holds them (Rule.partial): then at most `lead`.
 */
function fromBefore(rule: Rule, back: number, chars: RegExp, lead = back): Rule {
  return {
    ...rule,
    lead,
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

/** Providers whose secrets are known by the name they are assigned to (see Named). */
const NAMED: readonly Named[] = [
  { id: "twilio", family: "Twilio", name: "twilio", value: "[A-Za-z0-9]{32}", end: "[A-Za-z0-9]", accept: (s) => (/^[0-9a-f]+$/.test(s) ? hex(s) : rnd(s)), note: "auth tokens (32 hex) and API key secrets (32 chars) under a name like TWILIO_AUTH_TOKEN" },
  { id: "hubspot", family: "HubSpot", name: "hubspot", value: UUID_ANY, end: "[A-Za-z0-9-]", accept: (s, name) => !PUBLIC_NAME.test(name) && uuidKey(s), note: "legacy API keys (a UUID) under a name like HUBSPOT_API_KEY" },
  // Private keys key-<32 hex> (legacy) and <32 hex>-<8 hex>-<8 hex>.
  { id: "mailgun", family: "Mailgun", name: "mailgun", value: "key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}", end: "[A-Za-z0-9-]", accept: (s) => hex(s.replace(/^key-/, "").slice(0, 32)), note: "private API keys under a name like MAILGUN_API_KEY" },
  { id: "postmark", family: "Postmark", name: "postmark", value: UUID, end: "[A-Za-z0-9-]", accept: (s) => uuidKey(s), note: "server and account tokens (a UUID) under a name like POSTMARK_SERVER_TOKEN" },
  { id: "zendesk", family: "Zendesk", name: "zendesk", value: "[A-Za-z0-9]{40}", end: "[A-Za-z0-9]", accept: (s) => rnd(s), note: "API tokens (40 chars) under a name like ZENDESK_API_TOKEN" },
  // Personal access tokens: `2/<user id>/<app id>:<32 hex>` or the older `1/<id>:<32 hex>`.
  { id: "asana", family: "Asana", name: "asana", value: "[0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32}", end: "[A-Za-z0-9]", accept: (s) => hex(s.slice(-32)), note: "personal access tokens under a name like ASANA_TOKEN" },
  { id: "datadog", family: "Datadog", name: "datadog|^dd_(?:api|app|application)_$", value: "[0-9a-f]{40}|[0-9a-f]{32}", end: "[A-Za-z0-9]", accept: (s) => hex(s), note: "API (32 hex) and application (40 hex) keys under a name like DD_API_KEY or DATADOG_APP_KEY" },
  { id: "twitch", family: "Twitch", name: "twitch", value: "[a-z0-9]{30}", end: "[A-Za-z0-9]", accept: (s) => /[0-9]/.test(s) && /[a-z]/.test(s) && randomEnough(s, 3.5), note: "OAuth tokens and client secrets (30 chars) under a name like TWITCH_CLIENT_SECRET" },
  { id: "contentful", family: "Contentful", name: "contentful", value: "[A-Za-z0-9_-]{43}", end: "[A-Za-z0-9_-]", accept: (s) => rnd(s), note: "delivery and management tokens (43 chars) under a name like CONTENTFUL_ACCESS_TOKEN" },
  // Admin and write keys; a search-only key is public (it ships in web pages).
  { id: "algolia", family: "Algolia", name: "algolia", value: "[0-9a-f]{32}", end: "[A-Za-z0-9]", accept: (s, name) => !PUBLIC_NAME.test(name) && hex(s), note: "admin and write API keys (32 hex) under a name like ALGOLIA_ADMIN_KEY; search-only keys are public" },
  { id: "okta", family: "Okta", name: "okta", value: "00[A-Za-z0-9_-]{40}", end: "[A-Za-z0-9_-]", accept: (s) => rnd(s.slice(2)), note: "API tokens (00 + 40 chars) under a name like OKTA_API_TOKEN" },
  { id: "lob", family: "Lob", name: "(?<![a-z])lob(?![a-z])", value: "(?:live|test)_[a-f0-9]{35}", end: "[A-Za-z0-9]", accept: (s) => hex(s.slice(5)), note: "API keys (live_/test_ + 35 hex) under a name like LOB_API_KEY" },
  { id: "mistral", family: "Mistral AI", name: "mistral", value: "[A-Za-z0-9]{32}", end: "[A-Za-z0-9]", accept: (s) => rnd(s), note: "API keys (32 chars) under a name like MISTRAL_API_KEY" },
  { id: "cohere", family: "Cohere", name: "cohere|^co_(?:api_)?$", value: "[A-Za-z0-9]{40}", end: "[A-Za-z0-9]", accept: (s) => rnd(s), note: "API keys (40 chars) under a name like COHERE_API_KEY or CO_API_KEY" },
  // Apps' secrets of gitleaks' list, only under their provider's name.
  { id: "discord", family: "Discord", name: "discord", value: "[A-Za-z0-9_-]{32}", end: "[A-Za-z0-9_-]", accept: (s) => rnd(s), note: "client secrets (32 chars) under a name like DISCORD_CLIENT_SECRET" },
  { id: "meta", family: "Meta", name: "facebook|^fb_|instagram", value: "[0-9a-f]{32}", end: "[A-Za-z0-9]", accept: (s) => hex(s), note: "app secrets (32 hex) under a name like FACEBOOK_APP_SECRET" },
  { id: "plaid", family: "Plaid", name: "plaid", value: "[0-9a-f]{30}", end: "[A-Za-z0-9]", accept: (s) => hex(s), note: "secrets (30 hex) under a name like PLAID_SECRET" },
  // API key (25), API secret (50), access token (<user id>-<chars>), access token secret (45).
  { id: "twitter", family: "Twitter / X", name: "twitter", value: "[0-9]{15,25}-[A-Za-z0-9]{20,40}|[A-Za-z0-9]{50}|[A-Za-z0-9]{45}|[A-Za-z0-9]{25}", end: "[A-Za-z0-9-]", accept: (s) => rnd(s.slice(s.indexOf("-") + 1), 3.5), note: "API keys and secrets, access tokens and their secrets under a name like TWITTER_API_SECRET" },
  { id: "linkedin", family: "LinkedIn", name: "linked[_-]?in", value: "[A-Za-z0-9]{16}", end: "[A-Za-z0-9]", accept: (s) => rnd(s, 3), note: "client secrets (16 chars) under a name like LINKEDIN_CLIENT_SECRET" },
  { id: "mattermost", family: "Mattermost", name: "mattermost", value: "[a-z0-9]{26}", end: "[A-Za-z0-9]", accept: (s) => /[0-9]/.test(s) && /[a-z]/.test(s) && randomEnough(s, 3.5), note: "access tokens (26 chars) under a name like MATTERMOST_TOKEN" },
  { id: "messagebird", family: "MessageBird (Bird)", name: "message[_-]?bird", value: "[A-Za-z0-9]{25}", end: "[A-Za-z0-9]", accept: (s) => rnd(s, 3.5), note: "API keys (25 chars) under a name like MESSAGEBIRD_API_KEY" },
  { id: "sendbird", family: "Sendbird", name: "sendbird", value: "[0-9a-f]{40}", end: "[A-Za-z0-9]", accept: (s) => hex(s), note: "API tokens (40 hex) under a name like SENDBIRD_API_TOKEN" },
  { id: "squarespace", family: "Squarespace", name: "squarespace", value: UUID, end: "[A-Za-z0-9-]", accept: (s) => uuidKey(s), note: "API keys (a UUID) under a name like SQUARESPACE_API_KEY" },
  { id: "meraki", family: "Cisco Meraki", name: "meraki", value: "[0-9a-f]{40}", end: "[A-Za-z0-9]", accept: (s) => hex(s), note: "API keys (40 hex) under a name like MERAKI_API_KEY" },
  { id: "sumologic", family: "Sumo Logic", name: "sumo", value: "[A-Za-z0-9]{64}", end: "[A-Za-z0-9]", accept: (s) => rnd(s), note: "access keys (64 chars) under a name like SUMO_ACCESS_KEY" },
  { id: "freshdesk", family: "Freshdesk", name: "freshdesk", value: "[A-Za-z0-9]{20}", end: "[A-Za-z0-9]", accept: (s) => rnd(s, 3.2), note: "API keys (20 chars) under a name like FRESHDESK_API_KEY" },
  { id: "rapidapi", family: "RapidAPI", name: "rapid[_-]?api", value: "[A-Za-z0-9_-]{50}", end: "[A-Za-z0-9_-]", accept: (s) => rnd(s), note: "keys (50 chars) under a name like RAPIDAPI_KEY or X-RapidAPI-Key" },
];

export const SERVICE_RULES: readonly Rule[] = [
  regexRule("discord", DISCORD_KEYWORDS, String.raw`${B}(?:${DISCORD_ID}){5}[A-Za-z0-9_-]{3,7}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])`, (s) => randomEnough(s.slice(s.lastIndexOf(".") + 1), 3.5), {
    ...FAMILY("Discord", "bot tokens: the bot's id in base64, a timestamp, an HMAC"),
    keywordContext: String.raw`(?=[AEIMQUYcgk][w-z0-5](?:${DISCORD_ID}){4})`,
  }),
  // The webhook's id stays readable; its token is the secret.
  // The host and path before the keyword are checked behind it: `webhooks/` starts with a char
  // the scan has anyway (see fromBefore).
  regexRule("discord", ["webhooks/"], String.raw`(?<=(?<![A-Za-z0-9.-])(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/)(webhooks\/[0-9]{17,20}\/)[A-Za-z0-9_-]{60,80}(?![A-Za-z0-9_-])`, (s) => randomEnough(s), {
    ...FAMILY("Discord", "webhook URLs: the token after the id"),
    keep: true,
    prefix: true,
  }),
  // Incoming webhooks: everything after webhookb2/ (tenant, ids and the 32-hex key) is the secret.
  regexRule("microsoft_teams_webhook", ["webhookb2/"], String.raw`(?<=\.webhook\.office\.com\/)(webhookb2\/)${UUID}@${UUID}\/IncomingWebhook\/[0-9a-f]{32}\/${UUID}(?:\/[A-Za-z0-9_-]{10,100})?(?![A-Za-z0-9_-])`, (s) => hex(s.slice(s.indexOf("IncomingWebhook/") + 16, s.indexOf("IncomingWebhook/") + 48)), {
    ...FAMILY("Microsoft Teams", "incoming webhook URLs: the path after webhookb2/"),
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
      // 8 hex or more at a stream's end are held (a hash cut by a chunk waits for the next, or
      // holdMs); 1 to 7 may go out, of 32.
      partial: String.raw`(?<![0-9a-f])[0-9a-f]{8,32}(?:-(?:us?)?)?`,
    }),
    32,
    /[0-9a-f]/,
    7,
  ),
  regexRule("hubspot", ["pat-na1-", "pat-eu1-", "pat-na2-", "pat-ap1-"], String.raw`${B}pat-(?:na|eu|ap)[12]-${UUID}(?![A-Za-z0-9-])`, (s) => uuidKey(s.slice(8)), FAMILY("HubSpot", "private app tokens (pat-na1-…); legacy UUID keys only under a name like HUBSPOT_API_KEY")),
  // Private keys key-<32 hex> (legacy) and <32 hex>-<8 hex>-<8 hex>, only under a name saying mailgun.
  regexRule("mandrill", ["md-"], String.raw`${B}md-[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(3), 3.5), {
    ...FAMILY("Mandrill (Mailchimp Transactional)"),
    keywordContext: "(?=[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-]))",
  }),
  regexRule("brevo", ["xkeysib-", "xsmtpsib-"], String.raw`${B}x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}(?![A-Za-z0-9])`, (s) => hex(s.slice(s.indexOf("-") + 1, s.indexOf("-") + 65)), FAMILY("Brevo (Sendinblue)", "API (xkeysib-) and SMTP (xsmtpsib-) keys")),
  regexRule("braintree", ["access_token$production$", "access_token$sandbox$"], String.raw`${B}access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}(?![A-Za-z0-9])`, (s) => hex(s.slice(-32)), FAMILY("PayPal Braintree", "access_token$production$…")),
  regexRule("plaid", ["access-production-", "access-sandbox-", "access-development-"], String.raw`${B}access-(?:production|sandbox|development)-${UUID}(?![A-Za-z0-9-])`, (s) => uuidKey(s.slice(s.length - 36)), FAMILY("Plaid", "access tokens")),
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
  regexRule("intercom", ["dG9rO"], String.raw`${B}dG9rO[g-v][A-Za-z0-9+/]{40,80}={0,2}(?![A-Za-z0-9+/=])`, (s) => randomEnough(s, 4), FAMILY("Intercom", "access tokens (base64 of tok:…)")),
  regexRule("new_relic", ["NRAK-", "NRJS-", "NRII-"], String.raw`${B}(?:NRAK-[A-Za-z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])`, (s) => (s.startsWith("NRJS-") ? hex(s.slice(5)) : randomEnough(s.slice(5), 3)), FAMILY("New Relic", "user (NRAK-), browser (NRJS-) and insert (NRII-) keys")),
  regexRule("segment", ["sgp_"], String.raw`${B}sgp_[A-Za-z0-9]{64}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(4), 4), FAMILY("Segment", "public API tokens (sgp_)")),
  // App-only bearer tokens: 22 A's (URL-encoded: %2B, %3D) then the token.
  regexRule("twitter", ["AAAAAAAAAAAAAAAAAAAAA"], String.raw`${B}A{21,22}[A-Za-z0-9%]{60,120}(?![A-Za-z0-9%])`, (s) => {
    const body = s.replace(/A{3,}|%[0-9A-F]{2}/g, "");
    return body.length >= 40 && !placeholder(body) && entropy(body) >= 4.5;
  }, FAMILY("Twitter / X", "app bearer tokens (AAAA…)")),
  regexRule("typeform", ["tfp_"], String.raw`${B}tfp_[A-Za-z0-9_.=-]{40,70}(?![A-Za-z0-9_.=-])`, (s) => rnd(s.slice(4), 4), FAMILY("Typeform")),
  regexRule("figma", ["figd_", "figu_"], String.raw`${B}fig[du]_[A-Za-z0-9_-]{38,50}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(5), 4), FAMILY("Figma", "personal access tokens (figd_)")),
  regexRule("contentful", ["CFPAT-"], String.raw`${B}CFPAT-[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => randomEnough(s.slice(6), 4), FAMILY("Contentful", "personal access tokens (CFPAT-); delivery tokens under a name like CONTENTFUL_ACCESS_TOKEN")),
  // Admin and write keys; a search-only key is public (it ships in web pages).
  regexRule("frameio", ["fio-u-"], String.raw`${B}fio-u-[A-Za-z0-9_=-]{64}(?![A-Za-z0-9_=-])`, (s) => randomEnough(s.slice(6), 4), FAMILY("Frame.io")),
  regexRule("duffel", ["duffel_test_", "duffel_live_"], String.raw`${B}duffel_(?:test|live)_[A-Za-z0-9_=-]{43}(?![A-Za-z0-9_=-])`, (s) => randomEnough(s.slice(12), 4), FAMILY("Duffel")),
  regexRule("easypost", ["EZAK", "EZTK"], String.raw`${B}EZ[AT]K[A-Za-z0-9]{54}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(4), 4), FAMILY("EasyPost", "production (EZAK) and test (EZTK) keys")),
  // Secret keys (FLWSECK-…-X, FLWSECK_TEST-…-X) and the encryption key (FLWSECK_TEST + 12 hex:
  // too short to judge by entropy, the prefix says enough).
  regexRule("flutterwave", ["FLWSECK"], String.raw`${B}FLWSECK(?:_TEST)?(?:-[A-Za-z0-9]{32}-X|-?[a-fA-F0-9]{12})(?![A-Za-z0-9])`, (s) => (s.endsWith("-X") ? hex(s.slice(-34, -2)) : !placeholder(s)), FAMILY("Flutterwave", "secret keys (FLWSECK…) and encryption keys")),
  // live_ starts many names: only 40 mixed chars (GoCardless' length).
  regexRule("gocardless", ["live_"], String.raw`${B}live_[A-Za-z0-9_=-]{40}(?![A-Za-z0-9_=-])`, (s) => rnd(s.slice(5), 4), {
    ...FAMILY("GoCardless", "live access tokens (live_ + 40 chars)"),
    keywordContext: "(?=[A-Za-z0-9_=-]{40}(?![A-Za-z0-9_=-]))",
  }),
  regexRule("readme", ["rdme_"], String.raw`${B}rdme_[a-z0-9]{70}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(5), 4), FAMILY("ReadMe")),
  regexRule("prefect", ["pnu_"], String.raw`${B}pnu_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("Prefect")),
  regexRule("shippo", ["shippo_live_", "shippo_test_"], String.raw`${B}shippo_(?:live|test)_[a-fA-F0-9]{40}(?![A-Za-z0-9])`, (s) => hex(s.slice(12)), FAMILY("Shippo")),
  regexRule("dynatrace", ["dt0c01."], String.raw`${B}dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(32), 4), FAMILY("Dynatrace")),
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
  regexRule("mapbox", ["sk.eyJ"], String.raw`${B}sk\.eyJ[A-Za-z0-9_-]{40,300}\.[A-Za-z0-9_-]{20,40}(?![A-Za-z0-9_-])`, (s) => randomEnough(s, 4), FAMILY("Mapbox", "secret tokens (sk.eyJ…; pk. tokens are public)")),
  // AI providers with a prefix of their own (Anthropic, OpenAI and Hugging Face are in rules.ts).
  regexRule("replicate", ["r8_"], String.raw`${B}r8_[A-Za-z0-9_-]{37}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(3), 4), FAMILY("Replicate")),
  regexRule("groq", ["gsk_"], String.raw`${B}gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("Groq")),
  regexRule("perplexity", ["pplx-"], String.raw`${B}pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(5), 4), FAMILY("Perplexity")),
  regexRule("xai", ["xai-"], String.raw`${B}xai-[A-Za-z0-9_]{80}(?![A-Za-z0-9_])`, (s) => rnd(s.slice(4), 4), FAMILY("xAI")),
  // sk- + 32 lower-case hex: OpenAI's rule asks for mixed case, which these lack.
  regexRule("deepseek", ["sk-"], String.raw`${B}sk-[a-f0-9]{32}(?![A-Za-z0-9_-])`, (s) => hex(s.slice(3)), FAMILY("DeepSeek", "sk- + 32 hex")),
  regexRule("openrouter", ["sk-or-v1-"], String.raw`${B}sk-or-v1-[a-f0-9]{64}(?![A-Za-z0-9])`, (s) => hex(s.slice(9)), FAMILY("OpenRouter")),
  regexRule("langsmith", ["lsv2_pt_", "lsv2_sk_"], String.raw`${B}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}(?![A-Za-z0-9])`, (s) => hex(s.slice(8, 40)), FAMILY("LangSmith")),
  regexRule("tavily", ["tvly-"], String.raw`${B}tvly-(?:(?:dev|prod)-)?[A-Za-z0-9]{32}(?![A-Za-z0-9])`, (s) => rnd(s.slice(-32), 4), FAMILY("Tavily")),
  regexRule("together", ["tgp_v1_"], String.raw`${B}tgp_v1_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(7), 4), FAMILY("Together AI")),
  ...namedRules(NAMED),
];
