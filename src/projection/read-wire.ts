// How projection rows are shaped for the wire (sessions.get's Session, page cursors, search words):
// pure functions, shared by ProjectionReader and by the supervisor's own view of a live session.
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import { RpcError } from "../rpc/errors.js";
import type { SessionRow, StoredInfo } from "./rows.js";

export type Session = ResultOf<"sessions.get">;
export type SessionsQuery = { host?: string; state?: string; source?: string; archived?: boolean; limit: number; cursor?: string };
export type EventsQuery = { session: string; after: number; limit: number };
export type AuditQuery = { host?: string; since?: string; limit: number; cursor?: string };
export type SearchQuery = Omit<ParamsOf<"search.query">, "syntax" | "limit"> & { syntax?: "words" | "fts"; limit: number };

/** A page of events.read stops after this much event data (always at least one event), so a reply stays small. */
export const EVENTS_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * Imported transcripts' ids are `<prefix><the tool's own session id>` (sync/importers: Claude Code's
 * file uuid, Codex's thread uuid), so a person can name one by the id the tool shows them.
 */
export const TOOL_ID_PREFIXES = ["claude-", "codex-"];

export const badParam = (path: string, message: string) => new RpcError("invalid_params", message, { issues: [{ code: "custom", path: [path], message }] });

export const encodeCursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

export function decodeCursor<T>(cursor: string | undefined): T | null {
  if (!cursor) return null;
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as T;
  } catch {
    throw new RpcError("invalid_params", "cursor is not one this daemon gave out", {
      issues: [{ code: "custom", path: ["cursor"], message: "unknown cursor" }],
    });
  }
}

/** A sessions row as the wire's Session (`source` and `source_missing` default as the schema does). */
export function sessionOut(r: SessionRow): Session {
  return {
    id: r.id,
    host: r.host,
    kind: r.kind,
    title: r.title,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastSeq: r.last_seq,
    meta: r.meta === null ? null : (JSON.parse(r.meta) as unknown),
    archived: r.archived === 1,
    live: null,
    ...processOut(r.info),
    source: (r.source ?? "warden") as Session["source"],
    sourceMissing: r.source_missing === 1,
  };
}

/** sessions.info split into the wire's process and credentials (empty when its launch recorded none). */
function processOut(info: string | null): Pick<Session, "process" | "credentials"> {
  if (info === null) return { process: null, credentials: null };
  const { credentials, ...process } = JSON.parse(info) as StoredInfo;
  return { process, credentials: credentials ?? { scopes: [], allow: [] } };
}

/** Plain words as an FTS5 query: each one a quoted string (so `-`, `:` and quotes are just text), all required, the last a prefix. */
export function wordsQuery(q: string): string {
  const words = q.split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) throw badParam("q", "the query has no words");
  return words.map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}
