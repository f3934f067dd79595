// The transcript importers warden knows, by source.
import { claudeCode } from "./claude-code.js";
import { codex } from "./codex.js";
import type { ImporterKind, TranscriptSource } from "./types.js";

export const IMPORTERS: readonly ImporterKind[] = Object.freeze([claudeCode, codex]);

export function importerFor(source: TranscriptSource): ImporterKind {
  const kind = IMPORTERS.find((k) => k.source === source);
  if (kind === undefined) throw new TypeError(`no transcript importer for source ${String(source)}`);
  return kind;
}

export { claudeCode, codex };
export { ImporterStateError } from "./common.js";
export type * from "./types.js";
