// Claude Code transcripts: `~/.claude/projects/**/*.jsonl`, paths relative to the projects root.
//
//   <project>/<session-uuid>.jsonl                          → claude-<session-uuid>
//   <project>/<session-uuid>/subagents/agent-<id>.jsonl     → claude-<session-uuid>.agent-<id>
//                                                             (parent claude-<session-uuid>)
//   <project>/agent-<id>.jsonl (older sidechain files)      → claude-agent-<id>
//                                                             (parent from the records' sessionId)
//   anything else                                           → claude-<stem>-<hash of rel>
import { SESSION_ID_RE, UUID_RE, fallbackSessionId, relSegments } from "./common.js";
import { ClaudeCodeFold } from "./claude-code-fold.js";
import type { ImporterKind, TranscriptImporter } from "./types.js";

const AGENT_FILE = /^agent-([A-Za-z0-9_-]{1,96})\.jsonl$/;

interface ClaudePath {
  id: string;
  /** Known from the path (subagent files). */
  parent: string | null;
  /** An older top-level agent file: the parent is the records' sessionId. */
  parentFromRecords: boolean;
}

function parse(rel: string): ClaudePath {
  const parts = relSegments(rel);
  const fallback: ClaudePath = { id: fallbackSessionId("claude-", rel), parent: null, parentFromRecords: false };
  if (parts === null) return fallback;
  const file = parts[parts.length - 1] ?? "";
  if (parts.length === 2) {
    const stem = file.replace(/\.jsonl$/, "");
    if (UUID_RE.test(stem)) return { id: `claude-${stem}`, parent: null, parentFromRecords: false };
    const agent = AGENT_FILE.exec(file);
    if (agent !== null) return { id: `claude-agent-${agent[1]}`, parent: null, parentFromRecords: true };
  }
  if (parts.length === 4 && parts[2] === "subagents") {
    const session = parts[1] ?? "";
    const agent = AGENT_FILE.exec(file);
    const id = `claude-${session}.agent-${agent?.[1] ?? ""}`;
    if (agent !== null && UUID_RE.test(session) && SESSION_ID_RE.test(id)) return { id, parent: `claude-${session}`, parentFromRecords: false };
  }
  return fallback;
}

export const claudeCode: ImporterKind = {
  source: "claude-code",
  matches(rel: string): boolean {
    const parts = relSegments(rel);
    return parts !== null && (parts[parts.length - 1] ?? "").endsWith(".jsonl");
  },
  sessionIdFor(rel: string): string {
    return parse(rel).id;
  },
  open(sessionId: string, rel: string, state?: unknown): TranscriptImporter {
    const p = parse(rel);
    return new ClaudeCodeFold(sessionId, p.parent, p.parentFromRecords, state);
  },
};
