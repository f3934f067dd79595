// Examples for the rules of src/masking/families/services.ts (see types.ts). Prefixes are split
// ("sh" + "pat_") so that no literal here looks like a live token.
import { ALPHABETS as A, type Examples, type Rand } from "./types.js";

const hex = (r: Rand, n: number) => r.chars(n, A.hex);
const alnum = (r: Rand, n: number) => r.chars(n, A.alnum);
const b64url = (r: Rand, n: number) => r.chars(n, A.base64url);
/** A random body with at least one digit (a rule may ask for one: a name rarely has any). */
const withDigit = (r: Rand, body: string) => {
  const at = r.int(0, body.length - 1);
  return body.slice(0, at) + r.chars(1, A.digits) + body.slice(at + 1);
};
const uuid = (r: Rand) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${r.pick(["8", "9", "a", "b"])}${hex(r, 3)}-${hex(r, 12)}`;
/** A Discord snowflake id: 17-19 digits, not starting with 0. */
const snowflake = (r: Rand) => r.chars(1, "123456789") + r.chars(r.int(16, 18), A.digits);
const FIXED_UUID = "3f1c9a2e-7b4d-4e8a-9c61-2d5f0a8b7e34";

export const SERVICES_EXAMPLES: Examples = {
  slack: {
    secrets: (r) => [
      "xa" + `pp-1-A0${r.chars(9, A.upperDigits)}-${r.chars(13, A.digits)}-${hex(r, 64)}`,
      "xo" + `xo-${r.chars(10, A.digits)}-${r.chars(11, A.digits)}-${r.chars(12, A.digits)}-${hex(r, 32)}`,
      "xo" + `xr-${withDigit(r, alnum(r, 40))}`,
    ],
    lookalikes: [
      "xapp-config-loader",
      "xoxo-hugs-and-kisses",
      "https://indieweb.org/images/3/35/2018-250-xoxo-indieweb-1.jpg",
      "xapp-1-XXXXXXXXXXX-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
  },
  discord: {
    secrets: (r) =>
      [
        `${Buffer.from(snowflake(r)).toString("base64url")}.${b64url(r, 6)}.${b64url(r, 38)}`,
        `${Buffer.from(snowflake(r)).toString("base64url")}.${b64url(r, 6)}.${b64url(r, 27)}`,
        "https://disc" + `ord.com/api/webhooks/${snowflake(r)}/${b64url(r, 68)}`,
        "https://disc" + `ordapp.com/api/webhooks/${snowflake(r)}/${b64url(r, 68)}`,
        b64url(r, 32),
      ].map((s) => (s.startsWith("https://") ? s.slice(s.lastIndexOf("/") + 1) : s)),
    around: (s) =>
      s.length === 32
        ? `DISCORD_CLIENT_SECRET=${s}`
        : !s.includes(".")
          ? `curl -X POST https://discord.com/api/webhooks/123456789012345678/${s} -d @msg.json`
          : s,
    lookalikes: [
      "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2",
      "ODBC driver, NTFS volume, MDN docs, OTP code",
      "https://discord.com/api/webhooks/123456789012345678/your-webhook-token-here",
    ],
  },
  microsoft_teams_webhook: {
    secrets: (r) => [
      `${uuid(r)}@${uuid(r)}/IncomingWebhook/${hex(r, 32)}/${uuid(r)}`,
      `${uuid(r)}@${uuid(r)}/IncomingWebhook/${hex(r, 32)}/${uuid(r)}/V2${b64url(r, 40)}`,
    ],
    around: (s) => `curl -H 'Content-Type: application/json' -d @card.json https://contoso.webhook.office.com/webhookb2/${s}`,
    lookalikes: [
      "https://contoso.webhook.office.com/webhookb2/",
      "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
    ],
  },
  telegram_bot_token: {
    secrets: (r) => Array.from({ length: 3 }, () => `${r.chars(1, "123456789")}${r.chars(r.int(7, 9), A.digits)}:AA${b64url(r, 33)}`),
    around: (s) => (s.length % 2 === 0 ? `curl https://api.telegram.org/bot${s}/getMe` : `TELEGRAM_BOT_TOKEN=${s}`),
    lookalikes: [
      "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
      "bot123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "12345678:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      '<xsd:element name="AgencyIdentificationCode" type="clm12345678:AgencyIdentificationCodeContentType"/>',
    ],
  },
  twilio: {
    secrets: (r) => ["S" + `K${hex(r, 32)}`, hex(r, 32), withDigit(r, alnum(r, 32))],
    around: (s) => (s.startsWith("SK") ? s : /^[0-9a-f]+$/.test(s) ? `TWILIO_AUTH_TOKEN=${s}` : `"twilioApiSecret": "${s}"`),
    lookalikes: [
      "A" + "C3f1c9a2e7b4d4e8a9c612d5f0a8b7e34", // an account SID: in every API URL
      "SKU-1234, SKU_LIST",
      "S" + "K00000000000000000000000000000000",
      "TWILIO_PHONE_NUMBER=+15005550006",
    ],
  },
  shopify: {
    secrets: (r) => ["at", "ca", "pa", "ss"].map((k) => "sh" + `p${k}_${hex(r, 32)}`),
    lookalikes: ["shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "shpat_00000000000000000000000000000000", "shpat_token_name"],
  },
  sentry: {
    secrets: (r) => [
      "sntr" +
        `ys_${Buffer.from(JSON.stringify({ iat: r.int(1.6e9, 1.9e9), url: "https://sentry.io", region_url: "https://us.sentry.io", org: alnum(r, 8) }))
          .toString("base64")
          .replace(/=+$/, "")}_${r.chars(43, A.base64)}`,
      "sntr" + `yu_${hex(r, 64)}`,
    ],
    lookalikes: ["sntryu_" + "0".repeat(64), "sntrys_eyJpYXQiOjE2ODczMzY1NDMuNjk4NTl9_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  notion: {
    secrets: (r) => ["nt" + `n_${r.chars(11, A.digits)}${alnum(r, 35)}`, "secr" + `et_${withDigit(r, alnum(r, 43))}`],
    lookalikes: [
      "ntn_12345678901",
      "ntn_12345678901abc",
      "secret_key_base = Rails.application.credentials",
      "secret_ThisIsAVeryLongCamelCaseIdentifierNameAbcde",
    ],
  },
  linear: {
    secrets: (r) => ["lin" + `_api_${alnum(r, 40)}`, "lin" + `_oauth_${hex(r, 64)}`],
    lookalikes: ["lin_api_key", "lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  postman: {
    secrets: (r) => ["PM" + `AK-${hex(r, 24)}-${hex(r, 34)}`],
    lookalikes: ["PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "PMAK-<your-key>"],
  },
  atlassian: {
    secrets: (r) => [`ATA` + `TT3${b64url(r, 180)}=${r.chars(8, A.HEX)}`, `ATC` + `TT3${b64url(r, 190)}=${r.chars(8, A.HEX)}`],
    lookalikes: [
      "ATATT3 token format",
      "ATATT3xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "getPagesInConfluenceSpace,searchConfluenceUsingCql",
    ],
  },
  square: {
    secrets: (r) => ["EA" + `AA${b64url(r, 60)}`, "sq0" + `atp-${b64url(r, 22)}`, "sq0" + `csp-${b64url(r, 43)}`],
    lookalikes: ["EAAAAAAAAAAAAA", "sq0atp-xxxxxxxxxxxxxxxxxxxxxx", "sq0idp-AbCdEf1234567890AbCdEf"],
  },
  meta: {
    secrets: (r) => ["EA" + `A${r.pick(["B", "C", "G", "J", "M"])}${alnum(r, r.int(120, 220))}`, hex(r, 32)],
    around: (s) => (s.length === 32 ? `facebook_app_secret = "${s}"` : s),
    lookalikes: [
      "EAAC short",
      "EASY",
      "eaaaC0b75a9329fded2ffa9a02b47e0117831b82",
      "checksum: eaac4cf978b6fbd480f1092cab8b233c9b949bcabfc9b598dd79a758f7243c28765ef7639c876fa72940dac687181b35486ea01ff7df3e65ce3848c64822c581",
    ],
  },
  mailchimp: {
    secrets: (r) => [`${hex(r, 32)}-us${r.int(1, 21)}`],
    lookalikes: [
      "en-us",
      "Accept-Language: en-us,en;q=0.5",
      "deadbeefdeadbeefdeadbeefdeadbeef-us6",
      "00000000000000000000000000000000-us1",
      "x" + "f".repeat(31) + "-us20",
    ],
  },
  hubspot: {
    secrets: (r) => ["pat" + `-na1-${uuid(r)}`, "pat" + `-eu1-${uuid(r)}`, uuid(r), uuid(r).toUpperCase()],
    around: (s) => (s.startsWith("pat-") ? s : s === s.toUpperCase() ? `hubspot.apiKey = "${s}"` : `HUBSPOT_API_KEY=${s}`),
    lookalikes: [
      `HUBSPOT_CLIENT_ID=${FIXED_UUID}`,
      "HUBSPOT_API_KEY=12345678-1234-1234-1234-123456789012",
      "pat-na1-00000000-0000-0000-0000-000000000000",
      `session ${FIXED_UUID}`,
    ],
  },
  mailgun: {
    secrets: (r) => ["ke" + `y-${hex(r, 32)}`, `${hex(r, 32)}-${hex(r, 8)}-${hex(r, 8)}`],
    around: (s) => `MAILGUN_API_KEY=${s}`,
    lookalikes: ["MAILGUN_DOMAIN=mg.example.com", `cache key-${"ab12".repeat(8)}`],
  },
  mandrill: {
    secrets: (r) => ["md" + `-${b64url(r, 22)}`],
    lookalikes: ["md-primary-button-large", "md-12345678901234567890", 'class="md-toolbar-tools md-accent"'],
  },
  postmark: {
    secrets: (r) => [uuid(r), uuid(r)],
    around: (s) => (s.charCodeAt(0) % 2 ? `X-Postmark-Server-Token: ${s}` : `POSTMARK_SERVER_TOKEN=${s}`),
    lookalikes: ["X-Postmark-Server-Token: POSTMARK_API_TEST", `POSTMARK_MESSAGE_STREAM=${FIXED_UUID}`],
  },
  brevo: {
    secrets: (r) => ["xkey" + `sib-${hex(r, 64)}-${alnum(r, 16)}`, "xsmtp" + `sib-${hex(r, 64)}-${alnum(r, 16)}`],
    lookalikes: ["xkeysib-xxxxxxxx", `xkeysib-${"0".repeat(64)}-${"x".repeat(16)}`],
  },
  braintree: {
    secrets: (r) => [
      "access_" + `token$production$${r.chars(16, A.lower + A.digits)}$${hex(r, 32)}`,
      "access_" + `token$sandbox$${r.chars(16, A.lower + A.digits)}$${hex(r, 32)}`,
    ],
    lookalikes: ["access_token$production$merchantid$accesstoken", "access_token$sandbox$xxxxxxxxxxxxxxxx$00000000000000000000000000000000"],
  },
  plaid: {
    secrets: (r) => [`access-sandbox-${uuid(r)}`, `access-production-${uuid(r)}`, hex(r, 30)],
    around: (s) => (s.length === 30 ? `PLAID_SECRET=${s}` : s),
    lookalikes: ["access-sandbox-00000000-0000-0000-0000-000000000000", "access-production-de3ce8ef-33f8-452c", "access-development-mode"],
  },
  dropbox: {
    secrets: (r) => ["sl" + `.${withDigit(r, b64url(r, 140))}`, "sl" + `.u.${withDigit(r, b64url(r, 300))}`],
    lookalikes: ["sl.example.com", "sl." + "a".repeat(140), "sl." + "abcdefghij".repeat(14)],
  },
  zendesk: {
    secrets: (r) => [alnum(r, 40)],
    around: (s) => `ZENDESK_API_TOKEN=${s}`,
    lookalikes: ["ZENDESK_SUBDOMAIN=mycompany", "zendesk_email: support@example.com"],
  },
  asana: {
    secrets: (r) => [`2/${r.chars(16, A.digits)}/${r.chars(16, A.digits)}:${hex(r, 32)}`, `1/${r.chars(16, A.digits)}:${hex(r, 32)}`],
    around: (s) => `ASANA_ACCESS_TOKEN=${s}`,
    lookalikes: ["ASANA_WORKSPACE=1234567890123456", "ASANA_ACCESS_TOKEN=1/1234567890123456:00000000000000000000000000000000"],
  },
  airtable: {
    secrets: (r) => ["pa" + `t${alnum(r, 14)}.${hex(r, 64)}`],
    lookalikes: ["path.to.module", "patternMatcher.ts", "patXXXXXXXXXXXXXX." + "0".repeat(64)],
  },
  intercom: {
    secrets: (r) => [Buffer.from(`tok:${uuid(r)}:1:0`).toString("base64"), Buffer.from(`tok:${uuid(r)}:${r.int(1, 9)}:${r.int(0, 9)}`).toString("base64")],
    lookalikes: [Buffer.from("tok:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx:1:0").toString("base64").slice(0, 20), "dG9rZW4="],
  },
  new_relic: {
    secrets: (r) => ["NR" + `AK-${r.chars(27, A.upperDigits)}`, "NR" + `JS-${hex(r, 19)}`, "NR" + `II-${b64url(r, 32)}`],
    lookalikes: ["NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX", "NRJS-0000000000000000000", "NRII-<insert-key>"],
  },
  datadog: {
    secrets: (r) => [hex(r, 32), hex(r, 40)],
    around: (s) => (s.length === 32 ? `DD_API_KEY=${s}` : `datadog_app_key: "${s}"`),
    lookalikes: ["DD_SITE=datadoghq.eu", "DATADOG_HOST=https://api.datadoghq.com", "DD_API_KEY=<DATADOG_API_KEY>"],
  },
  segment: {
    secrets: (r) => ["sg" + `p_${alnum(r, 64)}`],
    lookalikes: ["sgp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sgp_token"],
  },
  twitch: {
    secrets: (r) => [withDigit(r, r.chars(30, A.lower + A.digits))],
    around: (s) => `TWITCH_CLIENT_SECRET=${s}`,
    lookalikes: ["TWITCH_CHANNEL=somechannelname", "twitch_secret: abcdefghijklmnopqrstuvwxyzabcd"],
  },
  twitter: {
    secrets: (r) => [
      "A".repeat(22) + `${alnum(r, 25)}%2B${alnum(r, 25)}%3D${alnum(r, 40)}`,
      "A".repeat(22) + alnum(r, 90),
      alnum(r, 25),
      alnum(r, 50),
      alnum(r, 45),
      `${r.chars(19, A.digits)}-${alnum(r, 30)}`,
    ],
    around: (s) =>
      s.startsWith("AAAA")
        ? s
        : s.length === 25
          ? `TWITTER_API_KEY=${s}`
          : s.length === 50
            ? `twitter_api_secret: "${s}"`
            : s.length === 45
              ? `TWITTER_ACCESS_TOKEN_SECRET=${s}`
              : `TWITTER_ACCESS_TOKEN=${s}`,
    lookalikes: [
      "A".repeat(100),
      "A".repeat(22) + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB==",
    ],
  },
  typeform: {
    secrets: (r) => ["tf" + `p_${alnum(r, 44)}_${alnum(r, 14)}`],
    lookalikes: ["tfp_token", "tfp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  figma: {
    secrets: (r) => ["fig" + `d_${b64url(r, 40)}`],
    lookalikes: ["figd_file_key", "figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  contentful: {
    secrets: (r) => ["CFP" + `AT-${b64url(r, 43)}`, b64url(r, 43)],
    around: (s) => (s.startsWith("CFPAT-") ? s : `CONTENTFUL_DELIVERY_ACCESS_TOKEN=${s}`),
    lookalikes: ["CONTENTFUL_SPACE_ID=cfexampleapi", "CONTENTFUL_ENVIRONMENT=master", "CFPAT-<your-token>"],
  },
  algolia: {
    secrets: (r) => [hex(r, 32)],
    around: (s) => `ALGOLIA_ADMIN_KEY=${s}`,
    lookalikes: ["ALGOLIA_APP_ID=LATENCY", "ALGOLIA_INDEX_NAME=products_v2"],
  },
  okta: {
    secrets: (r) => [`00${b64url(r, 40)}`],
    around: (s) => `OKTA_API_TOKEN=${s}`,
    lookalikes: ["OKTA_ORG_URL=https://dev-123456.okta.com", "OKTA_CLIENT_ID=0oa1b2c3d4e5f6g7h8i9"],
  },
  frameio: {
    secrets: (r) => ["fio" + `-u-${b64url(r, 64)}`],
    lookalikes: ["fio-u-xxxxxxxx", "fio-u-" + "x".repeat(64)],
  },
  duffel: {
    secrets: (r) => ["duf" + `fel_test_${b64url(r, 43)}`, "duf" + `fel_live_${b64url(r, 43)}`],
    lookalikes: ["duffel_test_mode", "duffel_live_" + "x".repeat(43)],
  },
  easypost: {
    secrets: (r) => ["EZ" + `AK${alnum(r, 54)}`, "EZ" + `TK${alnum(r, 54)}`],
    lookalikes: ["EZAK", "EZTK" + "0".repeat(54)],
  },
  flutterwave: {
    secrets: (r) => ["FLW" + `SECK_TEST-${hex(r, 32)}-X`, "FLW" + `SECK-${hex(r, 32)}-X`, "FLW" + `SECK_TEST${hex(r, 12)}`],
    lookalikes: ["FLWSECK_TEST-SANDBOXDEMOKEY-X", "FLWSECK-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X", "FLWPUBK_TEST-"],
  },
  gocardless: {
    secrets: (r) => ["li" + `ve_${withDigit(r, b64url(r, 40))}`],
    lookalikes: ["live_reload_enabled", "live_" + "x".repeat(40), "live_stream_connection_pool_timeout_secs"],
  },
  lob: {
    secrets: (r) => [`live_${hex(r, 35)}`, `test_${hex(r, 35)}`],
    around: (s) => `LOB_API_KEY=${s}`,
    lookalikes: ["LOB_ADDRESS_ID=adr_123", "blob_name = live_recording"],
  },
  readme: {
    secrets: (r) => ["rd" + `me_${r.chars(70, A.lower + A.digits)}`],
    lookalikes: ["rdme_cli", "rdme_" + "x".repeat(70)],
  },
  prefect: {
    secrets: (r) => ["pn" + `u_${alnum(r, 36)}`],
    lookalikes: ["pnu_placeholder", "pnu_" + "x".repeat(36)],
  },
  shippo: {
    secrets: (r) => ["ship" + `po_live_${hex(r, 40)}`, "ship" + `po_test_${hex(r, 40)}`],
    lookalikes: ["shippo_live_mode", "shippo_test_" + "0".repeat(40)],
  },
  dynatrace: {
    secrets: (r) => ["dt0" + `c01.${r.chars(24, A.upperDigits)}.${r.chars(64, A.upperDigits)}`],
    lookalikes: ["dt0c01.ABC", "dt0c01." + "X".repeat(24) + "." + "X".repeat(64)],
  },
  maxmind: {
    secrets: (r) => [`${alnum(r, 6)}_${alnum(r, 29)}_mmk`],
    lookalikes: ["license_key_mmk", "abcdef_ThisIsNotALicenseKeyAtAllOk_mmk"],
  },
  mapbox: {
    secrets: (r) => ["s" + `k.${Buffer.from(JSON.stringify({ u: alnum(r, 8).toLowerCase(), a: alnum(r, 25) })).toString("base64url")}.${b64url(r, 22)}`],
    lookalikes: ["pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJjbGV4YW1wbGUifQ.public", "sk.eyJ1IjoiZXhhbXBsZSJ9"],
  },
  replicate: {
    secrets: (r) => ["r8" + `_${b64url(r, 37)}`],
    lookalikes: ["r8_model_version", "r8_" + "x".repeat(37)],
  },
  groq: {
    secrets: (r) => ["gs" + `k_${alnum(r, 52)}`],
    lookalikes: ["gsk_key_name", "gsk_" + "x".repeat(52)],
  },
  perplexity: {
    secrets: (r) => ["ppl" + `x-${alnum(r, 48)}`],
    lookalikes: ["pplx-api", "pplx-" + "x".repeat(48)],
  },
  xai: {
    secrets: (r) => ["xa" + `i-${alnum(r, 80)}`],
    lookalikes: ["xai-sdk", "xai-" + "x".repeat(80)],
  },
  deepseek: {
    secrets: (r) => ["s" + `k-${hex(r, 32)}`],
    lookalikes: ["sk-00000000000000000000000000000000", "sk-learn", "sk-deadbeefdeadbeefdeadbeefdeadbeef"],
  },
  openrouter: {
    secrets: (r) => ["sk-" + `or-v1-${hex(r, 64)}`],
    lookalikes: ["sk-or-v1-" + "0".repeat(64), "sk-or-v1-xxxx"],
  },
  langsmith: {
    secrets: (r) => ["lsv" + `2_pt_${hex(r, 32)}_${hex(r, 10)}`, "lsv" + `2_sk_${hex(r, 32)}_${hex(r, 10)}`],
    lookalikes: ["lsv2_pt_" + "0".repeat(32) + "_" + "0".repeat(10), "lsv2_pt_key"],
  },
  tavily: {
    secrets: (r) => ["tvl" + `y-${alnum(r, 32)}`, "tvl" + `y-dev-${alnum(r, 32)}`],
    lookalikes: ["tvly-python", "tvly-" + "x".repeat(32)],
  },
  together: {
    secrets: (r) => ["tgp" + `_v1_${b64url(r, 43)}`],
    lookalikes: ["tgp_v1_key", "tgp_v1_" + "x".repeat(43)],
  },
  mistral: {
    secrets: (r) => [alnum(r, 32)],
    around: (s) => `MISTRAL_API_KEY=${s}`,
    lookalikes: ["MISTRAL_MODEL=mistral-large-latest", "mistral_api_key = os.environ['MISTRAL_API_KEY']"],
  },
  linkedin: {
    secrets: (r) => [alnum(r, 16)],
    around: (s) => `LINKEDIN_CLIENT_SECRET=${s}`,
    lookalikes: ["LINKEDIN_CLIENT_ID=77abcdefgh1234", "linkedin_profile_url: https://www.linkedin.com/in/someone"],
  },
  mattermost: {
    secrets: (r) => [withDigit(r, r.chars(26, A.lower + A.digits))],
    around: (s) => `MATTERMOST_TOKEN=${s}`,
    lookalikes: ["MATTERMOST_URL=https://chat.example.com", "mattermost_token: mattermosttokenplaceholder"],
  },
  messagebird: {
    secrets: (r) => [alnum(r, 25)],
    around: (s) => `MESSAGEBIRD_API_KEY=${s}`,
    lookalikes: ["MESSAGEBIRD_ORIGINATOR=MyCompany", "messagebird_api_key: process.env.MESSAGEBIRD_KEY"],
  },
  sendbird: {
    secrets: (r) => [hex(r, 40)],
    around: (s) => `SENDBIRD_API_TOKEN=${s}`,
    lookalikes: ["SENDBIRD_APP_ID=9DA1B1F4-0BE6-4DA8-82C5-2E81DAB56F23", "sendbird_api_token = " + "0".repeat(40)],
  },
  squarespace: {
    secrets: (r) => [uuid(r)],
    around: (s) => `SQUARESPACE_API_KEY=${s}`,
    lookalikes: [`SQUARESPACE_SITE_ID=${FIXED_UUID}`, "SQUARESPACE_API_KEY=00000000-0000-0000-0000-000000000000"],
  },
  meraki: {
    secrets: (r) => [hex(r, 40)],
    around: (s) => `MERAKI_DASHBOARD_API_KEY=${s}`,
    lookalikes: ["MERAKI_ORG_ID=123456", "meraki_api_key = " + "f".repeat(40)],
  },
  sumologic: {
    secrets: (r) => [alnum(r, 64)],
    around: (s) => `SUMO_ACCESS_KEY=${s}`,
    lookalikes: ["SUMO_ACCESS_ID=suABCDEFGHIJKL", "sumo_endpoint = https://api.sumologic.com/api/"],
  },
  freshdesk: {
    secrets: (r) => [alnum(r, 20)],
    around: (s) => `FRESHDESK_API_KEY=${s}`,
    lookalikes: ["FRESHDESK_DOMAIN=mycompany.freshdesk.com", "freshdesk_api_key = xxxxxxxxxxxxxxxxxxxx"],
  },
  rapidapi: {
    secrets: (r) => [b64url(r, 50), b64url(r, 50)],
    around: (s) => (s.charCodeAt(0) % 2 ? `X-RapidAPI-Key: ${s}` : `RAPIDAPI_KEY=${s}`),
    lookalikes: ["X-RapidAPI-Host: example.p.rapidapi.com", "RAPIDAPI_KEY=<your-rapidapi-key>"],
  },
  cohere: {
    secrets: (r) => [alnum(r, 40), alnum(r, 40)],
    around: (s) => (s.charCodeAt(0) % 2 ? `CO_API_KEY=${s}` : `COHERE_API_KEY: "${s}"`),
    lookalikes: ["COHERE_MODEL=command-r-plus", "co_api_key_name = 'CO_API_KEY'"],
  },
};
