// Providers whose secret has no prefix of its own, masked only under a name that is theirs
// (HUBSPOT_API_KEY=, "datadogApiKey": "): one table, and one walk back over the name for all of them.
// Tried last of the service rules (services.ts).
import { randomEnough } from "../allowlist.js";
import type { Rule } from "../rule-kit.js";
import { hex, rnd, UUID, uuidKey } from "./services-kit.js";

/**
 * What follows a secret word in an assignment up to its value: the rest of the name, closing
 * quotes, an operator, an opening quote, an auth scheme (as assignments.ts's ASSIGNMENT_KEEP, in its
 * simpler forms).
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

const UUID_ANY = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** A name that says the value is public (a search-only or publishable key), not a secret. */
const PUBLIC_NAME = /search|public|publishable|_pub|pub_|client_?id|app_?id|site/i;

/** Providers whose secrets are known by the name they are assigned to (see Named). */
const NAMED: readonly Named[] = [
  {
    id: "twilio",
    family: "Twilio",
    name: "twilio",
    value: "[A-Za-z0-9]{32}",
    end: "[A-Za-z0-9]",
    accept: (s) => (/^[0-9a-f]+$/.test(s) ? hex(s) : rnd(s)),
    note: "auth tokens (32 hex) and API key secrets (32 chars) under a name like TWILIO_AUTH_TOKEN",
  },
  {
    id: "hubspot",
    family: "HubSpot",
    name: "hubspot",
    value: UUID_ANY,
    end: "[A-Za-z0-9-]",
    accept: (s, name) => !PUBLIC_NAME.test(name) && uuidKey(s),
    note: "legacy API keys (a UUID) under a name like HUBSPOT_API_KEY",
  },
  // Private keys key-<32 hex> (legacy) and <32 hex>-<8 hex>-<8 hex>.
  {
    id: "mailgun",
    family: "Mailgun",
    name: "mailgun",
    value: "key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}",
    end: "[A-Za-z0-9-]",
    accept: (s) => hex(s.replace(/^key-/, "").slice(0, 32)),
    note: "private API keys under a name like MAILGUN_API_KEY",
  },
  {
    id: "postmark",
    family: "Postmark",
    name: "postmark",
    value: UUID,
    end: "[A-Za-z0-9-]",
    accept: (s) => uuidKey(s),
    note: "server and account tokens (a UUID) under a name like POSTMARK_SERVER_TOKEN",
  },
  {
    id: "zendesk",
    family: "Zendesk",
    name: "zendesk",
    value: "[A-Za-z0-9]{40}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s),
    note: "API tokens (40 chars) under a name like ZENDESK_API_TOKEN",
  },
  // Personal access tokens: `2/<user id>/<app id>:<32 hex>` or the older `1/<id>:<32 hex>`.
  {
    id: "asana",
    family: "Asana",
    name: "asana",
    value: "[0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[0-9a-f]{32}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s.slice(-32)),
    note: "personal access tokens under a name like ASANA_TOKEN",
  },
  {
    id: "datadog",
    family: "Datadog",
    name: "datadog|^dd_(?:api|app|application)_$",
    value: "[0-9a-f]{40}|[0-9a-f]{32}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s),
    note: "API (32 hex) and application (40 hex) keys under a name like DD_API_KEY or DATADOG_APP_KEY",
  },
  {
    id: "twitch",
    family: "Twitch",
    name: "twitch",
    value: "[a-z0-9]{30}",
    end: "[A-Za-z0-9]",
    accept: (s) => /[0-9]/.test(s) && /[a-z]/.test(s) && randomEnough(s, 3.5),
    note: "OAuth tokens and client secrets (30 chars) under a name like TWITCH_CLIENT_SECRET",
  },
  {
    id: "contentful",
    family: "Contentful",
    name: "contentful",
    value: "[A-Za-z0-9_-]{43}",
    end: "[A-Za-z0-9_-]",
    accept: (s) => rnd(s),
    note: "delivery and management tokens (43 chars) under a name like CONTENTFUL_ACCESS_TOKEN",
  },
  // Admin and write keys; a search-only key is public (it ships in web pages).
  {
    id: "algolia",
    family: "Algolia",
    name: "algolia",
    value: "[0-9a-f]{32}",
    end: "[A-Za-z0-9]",
    accept: (s, name) => !PUBLIC_NAME.test(name) && hex(s),
    note: "admin and write API keys (32 hex) under a name like ALGOLIA_ADMIN_KEY; search-only keys are public",
  },
  {
    id: "okta",
    family: "Okta",
    name: "okta",
    value: "00[A-Za-z0-9_-]{40}",
    end: "[A-Za-z0-9_-]",
    accept: (s) => rnd(s.slice(2)),
    note: "API tokens (00 + 40 chars) under a name like OKTA_API_TOKEN",
  },
  {
    id: "lob",
    family: "Lob",
    name: "(?<![a-z])lob(?![a-z])",
    value: "(?:live|test)_[a-f0-9]{35}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s.slice(5)),
    note: "API keys (live_/test_ + 35 hex) under a name like LOB_API_KEY",
  },
  {
    id: "mistral",
    family: "Mistral AI",
    name: "mistral",
    value: "[A-Za-z0-9]{32}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s),
    note: "API keys (32 chars) under a name like MISTRAL_API_KEY",
  },
  {
    id: "cohere",
    family: "Cohere",
    name: "cohere|^co_(?:api_)?$",
    value: "[A-Za-z0-9]{40}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s),
    note: "API keys (40 chars) under a name like COHERE_API_KEY or CO_API_KEY",
  },
  // Apps' secrets of gitleaks' list, only under their provider's name.
  {
    id: "discord",
    family: "Discord",
    name: "discord",
    value: "[A-Za-z0-9_-]{32}",
    end: "[A-Za-z0-9_-]",
    accept: (s) => rnd(s),
    note: "client secrets (32 chars) under a name like DISCORD_CLIENT_SECRET",
  },
  {
    id: "meta",
    family: "Meta",
    name: "facebook|^fb_|instagram",
    value: "[0-9a-f]{32}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s),
    note: "app secrets (32 hex) under a name like FACEBOOK_APP_SECRET",
  },
  {
    id: "plaid",
    family: "Plaid",
    name: "plaid",
    value: "[0-9a-f]{30}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s),
    note: "secrets (30 hex) under a name like PLAID_SECRET",
  },
  // API key (25), API secret (50), access token (<user id>-<chars>), access token secret (45).
  {
    id: "twitter",
    family: "Twitter / X",
    name: "twitter",
    value: "[0-9]{15,25}-[A-Za-z0-9]{20,40}|[A-Za-z0-9]{50}|[A-Za-z0-9]{45}|[A-Za-z0-9]{25}",
    end: "[A-Za-z0-9-]",
    accept: (s) => rnd(s.slice(s.indexOf("-") + 1), 3.5),
    note: "API keys and secrets, access tokens and their secrets under a name like TWITTER_API_SECRET",
  },
  {
    id: "linkedin",
    family: "LinkedIn",
    name: "linked[_-]?in",
    value: "[A-Za-z0-9]{16}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s, 3),
    note: "client secrets (16 chars) under a name like LINKEDIN_CLIENT_SECRET",
  },
  {
    id: "mattermost",
    family: "Mattermost",
    name: "mattermost",
    value: "[a-z0-9]{26}",
    end: "[A-Za-z0-9]",
    accept: (s) => /[0-9]/.test(s) && /[a-z]/.test(s) && randomEnough(s, 3.5),
    note: "access tokens (26 chars) under a name like MATTERMOST_TOKEN",
  },
  {
    id: "messagebird",
    family: "MessageBird (Bird)",
    name: "message[_-]?bird",
    value: "[A-Za-z0-9]{25}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s, 3.5),
    note: "API keys (25 chars) under a name like MESSAGEBIRD_API_KEY",
  },
  {
    id: "sendbird",
    family: "Sendbird",
    name: "sendbird",
    value: "[0-9a-f]{40}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s),
    note: "API tokens (40 hex) under a name like SENDBIRD_API_TOKEN",
  },
  {
    id: "squarespace",
    family: "Squarespace",
    name: "squarespace",
    value: UUID,
    end: "[A-Za-z0-9-]",
    accept: (s) => uuidKey(s),
    note: "API keys (a UUID) under a name like SQUARESPACE_API_KEY",
  },
  {
    id: "meraki",
    family: "Cisco Meraki",
    name: "meraki",
    value: "[0-9a-f]{40}",
    end: "[A-Za-z0-9]",
    accept: (s) => hex(s),
    note: "API keys (40 hex) under a name like MERAKI_API_KEY",
  },
  {
    id: "sumologic",
    family: "Sumo Logic",
    name: "sumo",
    value: "[A-Za-z0-9]{64}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s),
    note: "access keys (64 chars) under a name like SUMO_ACCESS_KEY",
  },
  {
    id: "freshdesk",
    family: "Freshdesk",
    name: "freshdesk",
    value: "[A-Za-z0-9]{20}",
    end: "[A-Za-z0-9]",
    accept: (s) => rnd(s, 3.2),
    note: "API keys (20 chars) under a name like FRESHDESK_API_KEY",
  },
  {
    id: "rapidapi",
    family: "RapidAPI",
    name: "rapid[_-]?api",
    value: "[A-Za-z0-9_-]{50}",
    end: "[A-Za-z0-9_-]",
    accept: (s) => rnd(s),
    note: "keys (50 chars) under a name like RAPIDAPI_KEY or X-RapidAPI-Key",
  },
];

export const NAMED_SERVICE_RULES: readonly Rule[] = namedRules(NAMED);
