// Codex transcripts ("rollouts"): `~/.codex/sessions/YYYY/MM/DD/rollout-<timestamp>-<uuid>.jsonl`,
// paths relative to the sessions root. The session id is `codex-<uuid>` (the uuid is Codex's own
// thread id); a rollout name without a trailing uuid gets `codex-<stem>-<hash of rel>`.
import { UUID_RE, fallbackSessionId, relSegments } from "./common.js";
import { CodexFold } from "./codex-fold.js";
import type { ImporterKind, TranscriptImporter } from "./types.js";

const ROLLOUT = /^rollout-.*\.jsonl$/;

export const codex: ImporterKind = {
  source: "codex",
  matches(rel: string): boolean {
    const parts = relSegments(rel);
    return parts !== null && ROLLOUT.test(parts[parts.length - 1] ?? "");
  },
  sessionIdFor(rel: string): string {
    const parts = relSegments(rel);
    const stem = (parts?.[parts.length - 1] ?? "").replace(/\.jsonl$/, "");
    const uuid = stem.slice(-36);
    return parts !== null && stem.startsWith("rollout-") && UUID_RE.test(uuid) ? `codex-${uuid}` : fallbackSessionId("codex-", rel);
  },
  open(sessionId: string, _rel: string, state?: unknown): TranscriptImporter {
    return new CodexFold(sessionId, state);
  },
};
