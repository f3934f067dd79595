// Token formats of SaaS, chat and business services, one rule each (or one per
// distinct format). Tried after the families in rules.ts and before the generic rules; see
// rule-kit.ts for how a rule is written.
import type { Rule } from "../rule-kit.js";

export const SERVICE_RULES: readonly Rule[] = [];
