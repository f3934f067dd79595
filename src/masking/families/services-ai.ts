// Token formats of AI providers with a prefix of their own (Anthropic, OpenAI and Hugging Face are
// in rules.ts): spread near the end of services.ts's SERVICE_RULES, before the named providers
// (RULES' order decides overlaps). See rule-kit.ts for how a rule is written.
import { randomEnough } from "../allowlist.js";
import { B, regexRule, type Rule } from "../rule-kit.js";
import { FAMILY, hex, rnd } from "./services-kit.js";

export const AI_SERVICE_RULES: readonly Rule[] = [
  regexRule("replicate", ["r8_"], String.raw`${B}r8_[A-Za-z0-9_-]{37}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(3), 4), FAMILY("Replicate")),
  regexRule("groq", ["gsk_"], String.raw`${B}gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])`, (s) => rnd(s.slice(4), 4), FAMILY("Groq")),
  regexRule("perplexity", ["pplx-"], String.raw`${B}pplx-[A-Za-z0-9]{48}(?![A-Za-z0-9])`, (s) => randomEnough(s.slice(5), 4), FAMILY("Perplexity")),
  regexRule("xai", ["xai-"], String.raw`${B}xai-[A-Za-z0-9_]{80}(?![A-Za-z0-9_])`, (s) => rnd(s.slice(4), 4), FAMILY("xAI")),
  // sk- + 32 lower-case hex: OpenAI's rule asks for mixed case, which these lack.
  regexRule("deepseek", ["sk-"], String.raw`${B}sk-[a-f0-9]{32}(?![A-Za-z0-9_-])`, (s) => hex(s.slice(3)), FAMILY("DeepSeek", "sk- + 32 hex")),
  regexRule("openrouter", ["sk-or-v1-"], String.raw`${B}sk-or-v1-[a-f0-9]{64}(?![A-Za-z0-9])`, (s) => hex(s.slice(9)), FAMILY("OpenRouter")),
  regexRule(
    "langsmith",
    ["lsv2_pt_", "lsv2_sk_"],
    String.raw`${B}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}(?![A-Za-z0-9])`,
    (s) => hex(s.slice(8, 40)),
    FAMILY("LangSmith"),
  ),
  regexRule("tavily", ["tvly-"], String.raw`${B}tvly-(?:(?:dev|prod)-)?[A-Za-z0-9]{32}(?![A-Za-z0-9])`, (s) => rnd(s.slice(-32), 4), FAMILY("Tavily")),
  regexRule("together", ["tgp_v1_"], String.raw`${B}tgp_v1_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`, (s) => rnd(s.slice(7), 4), FAMILY("Together AI")),
];
