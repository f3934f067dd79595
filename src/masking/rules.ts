// Token patterns masked in everything warden records. They run over bytes viewed as latin1 text
// (one char per byte), so output that is not UTF-8 stays byte-exact around them.
export interface Rule {
  name: string;
  pattern: RegExp;
}

/** Order matters where patterns overlap: the more specific first (Anthropic's sk-ant- before OpenAI's sk-). */
export const RULES: readonly Rule[] = [
  { name: "private_key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/g },
  { name: "aws_access_key", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g },
  { name: "github", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { name: "slack", pattern: /\bxox[baprse]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,}/g },
  { name: "anthropic", pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { name: "openai", pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { name: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
];

/**
 * Where a token may be starting but is not finished at the end of the text: its known prefix
 * (3+ chars) followed by token characters up to the very end, or a private key block not yet
 * closed. Text from there on is held back until it completes (or the hold times out).
 */
export const UNFINISHED = /(?:-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:(?!-----END )[\s\S])*|(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|gh[pousr]_|github_pat_|xox[baprse]-|sk-|eyJ|https:\/\/hooks\.slack\.com)[A-Za-z0-9_\-./+=]*|-----B[A-Z]{0,4}|AKI|ASI|ghp|gho|ghu|ghs|ghr|xox|eyJ)$/;

export const marker = (rule: string): string => `[MASKED:${rule}]`;
