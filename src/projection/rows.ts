// How source records become rows. One mapping, used by live apply, by catch-up and rebuild, and
// by verify (which folds the sources the same way and compares), so they cannot disagree.
import type { Credentials, ProcessInfo } from "../../protocol/index.js";
import type { LedgerEvent } from "../ledger/events.js";
import { parseEvent, validSeq } from "../ledger/events.js";
import type { SourceFile } from "./sources.js";

export interface SessionRow {
  id: string;
  host: string;
  kind: string;
  title: string | null;
  state: string;
  created_at: string;
  updated_at: string;
  last_seq: number;
  meta: string | null;
  /** 1 once an `archive` event is seen. */
  archived: number;
  /** PTY and task sessions: StoredInfo as JSON. */
  info: string | null;
  /** The schema defaults them (StoredSession has them): warden, claude-code or codex, and whether the file is gone. */
  source?: string;
  source_missing?: number;
}

/** A sessions row as read back, the schema's defaults filled; `rev` moves with every write to the session or its events. */
export type StoredSession = Required<SessionRow> & { rev: number };

/** What launch and exit events say about a PTY or task session (sessions.info, as JSON): the wire's type. */
export type { ProcessInfo };

/** sessions.info: the process, and the credential scope its launch and scope events set (the wire's `credentials`). */
export type StoredInfo = ProcessInfo & { credentials?: Credentials };

export interface EventRow {
  session: string;
  seq: number;
  ts: string;
  kind: string;
  /** The event's data as JSON, or null when its line is longer than INLINE_LINE_BYTES: then read it from there. */
  data: string | null;
  /** Where the event's line is in its source file (bytes, newline excluded). */
  src_offset: number;
  src_length: number;
}

/** An events row as read back; `mask_version` is the masking rules version its text was masked with (0: at write). */
export type StoredEvent = EventRow & { mask_version: number };

/** An event and where its line is in its source file. */
export interface LocatedEvent {
  event: LedgerEvent;
  offset: number;
  length: number;
  /** Keep the data in the projection however long the line: it was masked on the way in (the line holds more). */
  inline?: boolean;
}

/**
 * Events whose line is up to this long keep their data in the projection; longer ones (terminal
 * output, mostly) only point at their line in the source file, so output is stored once.
 */
export const INLINE_LINE_BYTES = 1024;

export interface AuditRow {
  host: string;
  seq: number;
  ts: string;
  action: string;
  outcome: string;
  vault: string | null;
  name: string | null;
  kind: string | null;
  record: string;
}

export interface ApprovalRow {
  host: string;
  seq: number;
  ts: string;
  record: string;
}

export const eventRow = ({ event: e, offset, length, inline }: LocatedEvent): EventRow => ({
  session: e.session,
  seq: e.seq,
  ts: e.ts,
  kind: e.kind,
  data: length > INLINE_LINE_BYTES && !inline ? null : JSON.stringify(e.data),
  src_offset: offset,
  src_length: length,
});

const STATE_BY_KIND: Record<string, string> = { open: "open", launch: "running", close: "closed", exit: "exited" };

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const int = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);

function launchInfo(d: Record<string, unknown>): ProcessInfo {
  return {
    mode: d.mode === "task" ? "task" : "pty",
    harness: str(d.harness),
    argv: strings(d.argv),
    cwd: str(d.cwd) ?? "",
    pid: int(d.pid),
    exit: null,
  };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((a): a is string => typeof a === "string") : []);

/** A launch or scope event's credential scope; missing fields (a launch by an older warden) are empty: nothing without approval. */
function credentialsOf(d: Record<string, unknown>): Credentials {
  return { scopes: strings(d.scopes), allow: strings(d.allow) };
}

function exitInfo(d: Record<string, unknown>): NonNullable<ProcessInfo["exit"]> {
  return { code: int(d.code), signal: str(d.signal), status: d.status === "failed" ? "failed" : "exited", reason: str(d.terminal_reason) };
}

/** A session's row after one more of its events (a new object; `foldSessionInPlace` for loops). */
export function foldSession(row: SessionRow | null, e: LedgerEvent, host: string): SessionRow {
  return foldSessionInPlace(row ? { ...row } : null, e, host);
}

/** Like foldSession, but updates `row` itself: one allocation per session, not per event. */
export function foldSessionInPlace(row: SessionRow | null, e: LedgerEvent, host: string): SessionRow {
  const d = e.data as { title?: unknown; kind?: unknown; meta?: unknown };
  const next: SessionRow = row ?? {
    id: e.session,
    host,
    kind: "log",
    title: null,
    state: "open",
    created_at: e.ts,
    updated_at: e.ts,
    last_seq: 0,
    meta: null,
    archived: 0,
    info: null,
  };
  if (e.kind === "open" || e.kind === "launch") {
    if (typeof d.title === "string") next.title = d.title;
    if (typeof d.kind === "string") next.kind = d.kind;
    if (d.meta !== undefined) next.meta = JSON.stringify(d.meta);
  }
  next.state = STATE_BY_KIND[e.kind] ?? next.state;
  if (e.kind === "launch") next.info = JSON.stringify({ ...launchInfo(e.data), credentials: credentialsOf(e.data) } satisfies StoredInfo);
  if (e.kind === "scope" && next.info !== null) {
    const info = JSON.parse(next.info) as StoredInfo;
    info.credentials = credentialsOf(e.data);
    next.info = JSON.stringify(info);
  }
  if (e.kind === "exit" && next.info !== null) {
    const info = JSON.parse(next.info) as StoredInfo;
    info.exit = exitInfo(e.data);
    next.info = JSON.stringify(info);
    next.state = info.exit.status;
  }
  if (e.kind === "archive") next.archived = 1;
  next.updated_at = e.ts;
  next.last_seq = Math.max(next.last_seq, e.seq);
  return next;
}

/** One line of a source file as the row it maps to, or null when it is not a valid record. */
export function parseSourceLine(source: SourceFile, line: string): { event: LedgerEvent } | { audit: AuditRow } | { approval: ApprovalRow } | null {
  if (source.kind === "ledger") {
    const e = parseEvent(line);
    return e && e.session === source.session ? { event: e } : null;
  }
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof r !== "object" || r === null || Array.isArray(r) || !validSeq(r.seq) || typeof r.ts !== "string") return null;
  if (source.kind === "approvals") return { approval: { host: source.host, seq: r.seq as number, ts: r.ts, record: line } };
  if (typeof r.action !== "string" || typeof r.outcome !== "string") return null;
  return { audit: auditRow(source.host, r as AuditLike, line) };
}

type AuditLike = { seq: number; ts: string; action: string; outcome: string; vault?: unknown; name?: unknown; kind?: unknown };

/** An audit record (already parsed, or just written) as its row; `line` is its exact JSON. */
export function auditRow(host: string, r: AuditLike, line: string): AuditRow {
  return { host, seq: r.seq, ts: r.ts, action: r.action, outcome: r.outcome, vault: str(r.vault), name: str(r.name), kind: str(r.kind), record: line };
}

/**
 * What the store keeps of a session an importer folded from a transcript (sync/importers'
 * TranscriptSession is one): its row and metadata are made of these.
 */
export interface ImportedSession {
  source: string;
  /** A summary record's text, else the first user message (one line, at most 120 chars). */
  title: string | null;
  cwd: string | null;
  model: string | null;
  /** ISO-8601 of the first and last timestamped record; null before any. */
  startedAt: string | null;
  updatedAt: string | null;
  /** A subagent transcript: its parent's warden session id. */
  parent: string | null;
  /** Tool version, git branch, originator, the tool's own session id, … (small, JSON). */
  meta: Record<string, unknown>;
  tokens: unknown;
}

// How an imported transcript becomes rows: one session (kind `transcript`, source claude-code or
// codex) and its events, with data already masked and serialized by the sync engine.
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

export function transcriptSessionRow(s: ImportedSession, source: SourceFile, lastSeq: number): SessionRow & { source: string } {
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
