// What an importer is: a fold over one transcript file's JSON records, in file order, that turns
// another agent tool's format into warden sessions and events. Importers never see raw text: the
// sync engine masks each line first and hands over the parsed (masked) record, so nothing an
// importer returns can carry a secret the masker knows. An importer keeps all it needs to resume
// in `state()` (JSON), saved with the file's watermark: an appended file is read from where it
// stopped, with the dedup and token bookkeeping intact.

import type { TranscriptSource } from "../../projection/sources.js";
import type { ImportedSession } from "../../projection/rows.js";

export type { TranscriptSource };

export type TranscriptEventKind = "user" | "assistant" | "reasoning" | "tool_call" | "tool_result" | "token_usage" | "system";

/**
 * Token counts in five non-overlapping buckets, so their sum is the total: `input` excludes cached
 * input (Anthropic reports it that way; OpenAI's `input_tokens` includes `cached_input_tokens`, which
 * the Codex importer subtracts), `output` excludes reasoning (OpenAI's `output_tokens` includes
 * `reasoning_output_tokens`; Claude reports no separate reasoning count, so it is 0 there).
 */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

export interface TranscriptEvent {
  /**
   * 1, 2, 3 … per file in the order events are first seen, never reused for another event. An
   * event returned again with a seq already handed out replaces that event (Claude streaming
   * chunks: the final chunk wins).
   */
  seq: number;
  /** ISO-8601; the record's own timestamp, else the last one seen in the file. */
  ts: string;
  kind: TranscriptEventKind;
  /** Structured and JSON-serializable: {text} for messages; {name, input, callId} for tool calls; … */
  data: Record<string, unknown>;
  /** What full-text search indexes (empty: not searchable, e.g. token usage). */
  text: string;
}

/** The store's ImportedSession, as an importer folds it: its id, its tool and typed token totals. */
export interface TranscriptSession extends ImportedSession {
  /** The warden session id (from `sessionIdFor`). */
  id: string;
  source: TranscriptSource;
  /** Totals over the file, streaming duplicates counted once, cumulative counts turned into deltas. */
  tokens: TokenCounts;
}

export interface TranscriptImporter {
  /**
   * One complete line's parsed JSON (already masked) and the 1-based line number. Returns the
   * events it adds or replaces; records that carry nothing searchable (file-history snapshots,
   * unknown types) return [] and are counted in `state()` as skipped. Never throws on a record's
   * shape: unknown types and unexpected shapes are skipped and also counted as `unknown`.
   */
  push(record: unknown, lineNo: number): TranscriptEvent[];
  /** The session as folded so far. */
  session(): TranscriptSession;
  /**
   * JSON-serializable and bounded in size (dedup windows are bounded), to resume with. Holds
   * `fold.skipped` / `fold.unknown` counters. Importing a file in one go, or in parts with a
   * JSON round-trip of `state()` between them, gives the same events and session.
   */
  state(): unknown;
}

export interface ImporterKind {
  source: TranscriptSource;
  /** Whether a path (relative to the importer's root, '/'-separated) is a transcript it reads. */
  matches(rel: string): boolean;
  /**
   * The warden session id for a transcript at `rel`: derived from the path alone (so a file can be
   * forgotten and re-imported without parsing it), matching /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.
   */
  sessionIdFor(rel: string): string;
  /**
   * A fresh importer (state undefined) or one resumed from a previous `state()`. Throws
   * `ImporterStateError` for a state it did not write (another version, corruption): re-import
   * the file from the start.
   */
  open(sessionId: string, rel: string, state?: unknown): TranscriptImporter;
}
