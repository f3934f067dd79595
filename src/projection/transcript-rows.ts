// How an imported transcript becomes rows: one session (kind `transcript`, source claude-code or
// codex) and its events, with data already masked and serialized by the sync engine.
import type { TranscriptSession } from "../sync/importers/types.js";
import type { SessionRow } from "./rows.js";
import type { SourceFile } from "./sources.js";

export interface TranscriptEventRow {
  seq: number;
  ts: string;
  kind: string;
  /** The event's data as (masked) JSON. */
  data: string;
  /** Masked search text; "" when the event is not searchable. */
  text: string;
  /** The line it came from (the last chunk's, for a replaced event). */
  offset: number;
  length: number;
  /** Replaces an event applied before (a later streaming chunk). */
  replaced: boolean;
}

export const TRANSCRIPT_STATE = "imported";

export function transcriptSessionRow(s: TranscriptSession, source: SourceFile, lastSeq: number): SessionRow & { source: string } {
  const created = s.startedAt ?? s.updatedAt ?? new Date(0).toISOString();
  const meta = { ...s.meta, cwd: s.cwd, model: s.model, parent: s.parent, tokens: s.tokens, file: source.path };
  return {
    id: source.session!,
    host: source.host,
    kind: "transcript",
    title: s.title,
    state: TRANSCRIPT_STATE,
    created_at: created,
    updated_at: s.updatedAt ?? created,
    last_seq: lastSeq,
    meta: JSON.stringify(meta),
    archived: 0,
    info: null,
    source: s.source,
  };
}
