// What both transcript importers share: reading untyped JSON safely, session ids derived from
// paths, and `SessionFold`, the per-file bookkeeping (seqs, timestamps, session fields, token totals,
// skip counters) with a JSON state that an importer embeds in its own.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { TokenCounts, TranscriptEvent, TranscriptEventKind, TranscriptSession, TranscriptSource } from "./types.js";

export const SESSION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** The `ts` of an event seen before any timestamped record (none of the real formats do this). */
export const EPOCH = "1970-01-01T00:00:00.000Z";
/** What an image becomes in `text` and `data`: image bytes (base64) are never kept. */
export const IMAGE_PLACEHOLDER = "[image]";
const TITLE_MAX = 120;

export type Json = Record<string, unknown>;

export function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** A non-empty string, else null. */
export function nonEmpty(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

/** A token count: a finite non-negative number, else 0. */
export function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

/** An ISO-8601 timestamp normalized to `Date#toISOString`, else null. */
export function isoTime(v: unknown): string | null {
  if (typeof v !== "string" || v.length === 0 || v.length > 64) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The first non-blank line of `text`, whitespace collapsed, at most 120 characters; null if blank. */
export function titleLine(text: string): string | null {
  // Only the head matters: never split a multi-megabyte string.
  for (const raw of text.slice(0, 4096).split("\n")) {
    const line = raw.replace(/\s+/g, " ").trim();
    if (line.length > 0) return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line;
  }
  return null;
}

export function shortHash(s: string, hexChars = 16): string {
  return createHash("sha256").update(s).digest("hex").slice(0, hexChars);
}

/** A path's segments if it is a clean relative '/'-separated path, else null. */
export function relSegments(rel: string): string[] | null {
  if (rel.length === 0 || rel.startsWith("/") || rel.includes("\\") || rel.includes("\0")) return null;
  const parts = rel.split("/");
  return parts.every((p) => p.length > 0 && p !== "." && p !== "..") ? parts : null;
}

/**
 * A session id for a path that fits none of a tool's naming rules: `<prefix><sanitized stem>-<8 hex
 * of sha256(rel)>`, always within 128 characters, so two files with the same stem stay apart.
 */
export function fallbackSessionId(prefix: string, rel: string): string {
  const base = rel.split("/").pop() ?? rel;
  const stem = base.replace(/\.jsonl$/i, "").replace(/[^A-Za-z0-9._-]+/g, "_");
  const hash = shortHash(rel, 8);
  const room = 128 - prefix.length - hash.length - 1;
  return `${prefix}${stem.slice(0, room)}-${hash}`;
}

/** `prefix + tail` when that is a valid session id, else null. */
export function sessionIdOr(prefix: string, tail: string): string | null {
  const id = prefix + tail;
  return SESSION_ID_RE.test(id) ? id : null;
}

export function zeroTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
}

export function addTokens(into: TokenCounts, add: TokenCounts, sign: 1 | -1 = 1): void {
  into.input += sign * add.input;
  into.output += sign * add.output;
  into.cacheRead += sign * add.cacheRead;
  into.cacheWrite += sign * add.cacheWrite;
  into.reasoning += sign * add.reasoning;
}

export function sameTokens(a: TokenCounts, b: TokenCounts): boolean {
  return a.input === b.input && a.output === b.output && a.cacheRead === b.cacheRead && a.cacheWrite === b.cacheWrite && a.reasoning === b.reasoning;
}

/** A JSON state written by another version, or corrupted: the caller re-imports from the start. */
export class ImporterStateError extends TypeError {
  constructor(source: TranscriptSource, what: string) {
    super(`${source} importer: unusable resume state (${what}); re-import the file from the start`);
    this.name = "ImporterStateError";
  }
}

/**
 * A resume state parsed with its importer's schema. One that does not parse (another version's,
 * a damaged one) throws ImporterStateError: the caller reads the file again from the start.
 */
export function parseState<T extends z.ZodType>(source: TranscriptSource, schema: T, state: unknown): z.infer<T> {
  const parsed = schema.safeParse(state);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ImporterStateError(source, `not a v1 ${source} state${issue ? ` at ${issue.path.join(".") || "(root)"}: ${issue.code}` : ""}`);
}

export const tokenCountsSchema = z.object({ input: z.number(), output: z.number(), cacheRead: z.number(), cacheWrite: z.number(), reasoning: z.number() });

/** SessionFold's part of an importer's state. */
export const foldStateSchema = z.object({
  nextSeq: z.number().int().min(1),
  lastTs: z.string().nullable(),
  startedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  cwd: z.string().nullable(),
  model: z.string().nullable(),
  parent: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()),
  tokens: tokenCountsSchema,
  /**
   * Records that added no event because of their type, their shape or the noise policy: unknown
   * types, unexpected shapes, and known records carrying nothing warden keeps (snapshots,
   * bookkeeping, injected boilerplate, duplicates of another record type). Repeated streaming
   * chunks are merged, not skipped; metadata records (summary, session_meta, turn_context) are used.
   */
  skipped: z.number().int().min(0),
  /** Of those, the ones of an unknown type or an unexpected shape (format drift shows up here). */
  unknown: z.number().int().min(0),
});
export type FoldState = z.infer<typeof foldStateSchema>;

/** The bookkeeping every importer does; its `state()` is plain JSON. */
export class SessionFold {
  private s: FoldState;

  constructor(
    readonly source: TranscriptSource,
    readonly id: string,
    /** Parsed with foldStateSchema (as part of the importer's state). */
    state?: FoldState,
  ) {
    this.s = state
      ? structuredClone(state)
      : {
          nextSeq: 1,
          lastTs: null,
          startedAt: null,
          updatedAt: null,
          cwd: null,
          model: null,
          parent: null,
          meta: {},
          tokens: zeroTokens(),
          skipped: 0,
          unknown: 0,
        };
  }

  /** Notes a record's timestamp and returns the `ts` its events carry. */
  at(recordTs: unknown): string {
    const ts = isoTime(recordTs);
    if (ts !== null) {
      this.s.lastTs = ts;
      this.s.startedAt ??= ts;
      if (this.s.updatedAt === null || ts > this.s.updatedAt) this.s.updatedAt = ts;
    }
    return ts ?? this.s.lastTs ?? EPOCH;
  }

  /** A new event with the next seq. */
  event(ts: string, kind: TranscriptEventKind, data: Json, text: string): TranscriptEvent {
    return { seq: this.s.nextSeq++, ts, kind, data, text };
  }

  skip(unknown = false): [] {
    this.s.skipped++;
    if (unknown) this.s.unknown++;
    return [];
  }

  /** The first non-empty working directory wins (where the session started). */
  noteCwd(cwd: unknown): void {
    const c = nonEmpty(cwd);
    if (c !== null && this.s.cwd === null) this.s.cwd = c;
  }

  /** The last model named wins. */
  noteModel(model: string): void {
    this.s.model = model;
  }

  get model(): string | null {
    return this.s.model;
  }

  setParent(parent: string | null): void {
    this.s.parent = parent;
  }

  get parent(): string | null {
    return this.s.parent;
  }

  /** Sets a small meta value; null/undefined/"" leave the previous value. */
  setMeta(key: string, value: unknown): void {
    if (value === null || value === undefined || value === "") return;
    this.s.meta[key] = value;
  }

  hasMeta(key: string): boolean {
    return key in this.s.meta;
  }

  addTokens(t: TokenCounts, sign: 1 | -1 = 1): void {
    addTokens(this.s.tokens, t, sign);
  }

  session(title: string | null): TranscriptSession {
    const s = this.s;
    return {
      id: this.id,
      source: this.source,
      title,
      cwd: s.cwd,
      model: s.model,
      startedAt: s.startedAt,
      updatedAt: s.updatedAt,
      parent: s.parent,
      meta: structuredClone(s.meta),
      tokens: { ...s.tokens },
    };
  }

  state(): FoldState {
    return structuredClone(this.s);
  }
}
