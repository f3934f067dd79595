// Where each importer looks, from config or the tools' own conventions: Claude Code keeps its
// transcripts under $CLAUDE_CONFIG_DIR (default ~/.claude)/projects, Codex under $CODEX_HOME
// (default ~/.codex)/sessions.
import { join } from "node:path";
import type { Config } from "../platform/config.js";
import { userHome } from "../platform/paths.js";
import type { TranscriptRoot } from "./discover.js";

export function transcriptRoots(sync: Config["sync"], env: NodeJS.ProcessEnv): TranscriptRoot[] {
  const home = userHome(env);
  const roots: TranscriptRoot[] = [];
  if (sync.claudeCode.enabled)
    roots.push({ source: "claude-code", root: sync.claudeCode.root ?? join(env.CLAUDE_CONFIG_DIR || join(home, ".claude"), "projects") });
  if (sync.codex.enabled) roots.push({ source: "codex", root: sync.codex.root ?? join(env.CODEX_HOME || join(home, ".codex"), "sessions") });
  return roots;
}
