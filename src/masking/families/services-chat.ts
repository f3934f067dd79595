// Token formats of chat services (Discord, Microsoft Teams, Telegram; Slack is in rules.ts): the
// first of the service rules, spread at the start of services.ts's SERVICE_RULES (RULES' order
// decides overlaps). See rule-kit.ts for how a rule is written.
import { randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";
import { FAMILY, fromBefore, hex, rnd, UUID } from "./services-kit.js";

/**
 * A Discord bot token's first part is the bot's user id (17-20 digits) in base64 without padding:
 * each 3 digits become 4 chars of a narrow set ([MNO][DTjz][AEIMQUYcgk][w-z0-5]), which makes the
 * format recognisable without a name. Then a timestamp (6 chars) and an HMAC (27 or 38).
 */
const DISCORD_ID = String.raw`[MNO][DTjz][AEIMQUYcgk][w-z0-5]`;
const DISCORD_KEYWORDS = ["M", "N", "O"].flatMap((a) => ["D", "T", "j", "z"].map((b) => a + b));

export const CHAT_SERVICE_RULES: readonly Rule[] = [
  regexRule(
    "discord",
    DISCORD_KEYWORDS,
    String.raw`${B}(?:${DISCORD_ID}){5}[A-Za-z0-9_-]{3,7}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])`,
    (s) => randomEnough(s.slice(s.lastIndexOf(".") + 1), 3.5),
    {
      ...FAMILY("Discord", "bot tokens: the bot's id in base64, a timestamp, an HMAC"),
      keywordContext: String.raw`(?=[AEIMQUYcgk][w-z0-5](?:${DISCORD_ID}){4})`,
    },
  ),
  // The webhook's id stays readable; its token is the secret.
  // The host and path before the keyword are checked behind it: `webhooks/` starts with a char
  // the scan has anyway (see fromBefore).
  regexRule(
    "discord",
    ["webhooks/"],
    String.raw`(?<=(?<![A-Za-z0-9.-])(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/)(webhooks\/[0-9]{17,20}\/)[A-Za-z0-9_-]{60,80}(?![A-Za-z0-9_-])`,
    (s) => randomEnough(s),
    {
      ...FAMILY("Discord", "webhook URLs: the token after the id"),
      keep: true,
      prefix: true,
    },
  ),
  // Incoming webhooks: everything after webhookb2/ (tenant, ids and the 32-hex key) is the secret.
  regexRule(
    "microsoft_teams_webhook",
    ["webhookb2/"],
    String.raw`(?<=\.webhook\.office\.com\/)(webhookb2\/)${UUID}@${UUID}\/IncomingWebhook\/[0-9a-f]{32}\/${UUID}(?:\/[A-Za-z0-9_-]{10,100})?(?![A-Za-z0-9_-])`,
    (s) => hex(s.slice(s.indexOf("IncomingWebhook/") + 16, s.indexOf("IncomingWebhook/") + 48)),
    {
      ...FAMILY("Microsoft Teams", "incoming webhook URLs: the path after webhookb2/"),
      keep: true,
      prefix: true,
    },
  ),
  // `<bot id>:AA<33 chars>`: the secret part always starts with AA (gitleaks asks for an A and a
  // name saying telegram; the AA and the exact length say enough without one).
  fromBefore(
    regexRule(
      "telegram_bot_token",
      [":AA"],
      String.raw`(?:${B}|(?<=\/bot))[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])`,
      (s) => rnd(s.slice(s.indexOf(":") + 3), 3.5),
      FAMILY("Telegram", "bot tokens: <bot id>:AA<33 chars>"),
    ),
    10,
    /[0-9]/,
  ),
];
