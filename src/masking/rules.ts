// Token patterns masked in everything warden records. They run over bytes viewed as latin1 text
// (one char per byte), so output that is not UTF-8 stays byte-exact around them.
export interface Rule {
  name: string;
  pattern: RegExp;
  /** The pattern can only match text containing one of these: cheap to look for, so most text skips the regex. */
  keywords: readonly string[];
}

/** Order matters where patterns overlap: the more specific first (Anthropic's sk-ant- before OpenAI's sk-). */
export const RULES: readonly Rule[] = [
  { name: "private_key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g, keywords: ["PRIVATE KEY"] },
  { name: "aws_access_key", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g, keywords: ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA"] },
  { name: "github", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"] },
  { name: "slack", pattern: /\bxox[baprse]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g, keywords: ["xox", "hooks.slack.com"] },
  { name: "anthropic", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, keywords: ["sk-ant-"] },
  { name: "openai", pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, keywords: ["sk-"] },
  { name: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, keywords: ["eyJ"] },
];

/** Any rule's keyword: one scan of the text decides whether any rule needs running at all. */
export const ANY_KEYWORD = new RegExp(RULES.flatMap((r) => r.keywords).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));

/**
 * Where a token may be starting but is not finished at the end of the text (from `from` on): a
 * private key block not yet closed, or a token's known prefix (3+ chars) followed by token
 * characters up to the very end. -1 when there is none. Text from there on is held back until it
 * completes (or the hold times out). A token runs to the end in token characters, so only that
 * trailing run (and a few chars before it, for prefixes like `https:`) is searched, however long.
 */
export function unfinishedStart(text: string, from: number): number {
  const key = text.lastIndexOf("-----BEGIN ");
  if (key >= from && KEY_HEADER.test(text.slice(key, key + 100)) && text.indexOf("-----END ", key) < 0) return key;
  let run = text.length;
  while (run > from && TOKEN_CHAR.test(text[run - 1]!)) run--;
  const window = Math.max(from, run - PREFIX_SLACK);
  const m = UNFINISHED_TOKEN.exec(text.slice(window));
  return m ? window + m.index : -1;
}

const TOKEN_CHAR = /[A-Za-z0-9_\-./+=]/;
/** Covers the part of a prefix that is not token characters (`https:` of a Slack webhook). */
const PREFIX_SLACK = 32;
const KEY_HEADER = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const UNFINISHED_TOKEN = /(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|gh[pousr]_|github_pat_|xox[baprse]-|sk-|eyJ|https:\/\/hooks\.slack\.com)[A-Za-z0-9_\-./+=]*|-----B[A-Z]{0,4}|AKI|ASI|ghp|gho|ghu|ghs|ghr|xox|eyJ)$/;

export const marker = (rule: string): string => `[MASKED:${rule}]`;
