// A PostgreSQL URL as warden takes it, and PostgreSQL failures as warden reports them. A URL's
// password never appears in a message, a log line or an error's details: everything shows
// `target`, the URL without its password and query.
import type pg from "pg";
import { RpcError } from "../../rpc/errors.js";

export interface PgTarget {
  /** What pg connects with (the URL as given). Never print it. */
  connectionString: string;
  /** postgres://user@host:port/database — safe to show. */
  display: string;
}

export function parseTarget(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // URL's own error carries the input (and so the password): never pass it on.
    throw new RpcError("invalid_params", "the PostgreSQL URL is malformed: expected postgres://user[:password]@host[:port]/database", { reason: "bad_url" });
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
    throw new RpcError("invalid_params", `the sink URL must start with postgres:// or postgresql:// (got ${u.protocol}//…)`, { reason: "bad_url" });
  }
  const socketHost = u.searchParams.get("host");
  const user = u.username ? `${u.username}@` : "";
  const host = u.host || (socketHost ? encodeURIComponent(socketHost) : "localhost");
  return { connectionString: url, display: `${u.protocol}//${user}${host}${u.pathname || "/"}` };
}

/** SQLSTATE classes that mean the server cannot serve us now, rather than a problem with our data. */
const UNAVAILABLE_STATES = /^(08|28|3D|53|57P|58)/;

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  severity?: unknown;
}

/** Whether `err` came from the server about one statement (as opposed to the connection). */
export function isStatementError(err: unknown): boolean {
  const e = (err instanceof PgError ? err.pgCause : err) as PgLikeError;
  return typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === "string" && !UNAVAILABLE_STATES.test(e.code);
}

/**
 * Any failure talking to PostgreSQL as an RpcError: `unavailable` (refused, unreachable, timed
 * out, authentication failed, no such database, shutting down, connection lost), `denied`
 * (missing privileges), else `internal` with the SQLSTATE. Messages name the target, never the
 * password.
 */
export function pgFailure(failure: unknown, target: PgTarget, doing: string): RpcError {
  if (failure instanceof RpcError) return failure;
  const err = failure instanceof PgError ? failure.pgCause : failure;
  const e = err as PgLikeError & { errno?: unknown };
  const code = typeof e?.code === "string" ? e.code : undefined;
  const raw = typeof e?.message === "string" ? e.message : String(err);
  const text = redact(raw, target);
  const details: Record<string, unknown> = { target: target.display, ...(code ? { pgCode: code } : {}) };
  if (code === "42501") return new RpcError("denied", `PostgreSQL at ${target.display} refused ${doing}: ${text}`, { ...details, reason: "privileges" });
  if (code && /^28/.test(code))
    return new RpcError("unavailable", `PostgreSQL at ${target.display}: authentication failed (${text})`, { ...details, reason: "auth_failed" });
  if (code === "3D000") return new RpcError("unavailable", `PostgreSQL at ${target.display}: ${text}`, { ...details, reason: "no_database" });
  if (isStatementError(err))
    return new RpcError("internal", `PostgreSQL at ${target.display} failed ${doing}: ${text}`, { ...details, reason: "statement_failed" });
  const reason =
    /timeout|timed out/i.test(raw) || code === "ETIMEDOUT"
      ? "timeout"
      : code === "ECONNREFUSED"
        ? "refused"
        : code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? "unknown_host"
          : "connection_failed";
  return new RpcError("unavailable", `PostgreSQL at ${target.display} is unreachable (${doing}): ${text}`, { ...details, reason });
}

/** The message with the URL's password (plain or percent-encoded) cut out, should any error quote it. */
function redact(message: string, target: PgTarget): string {
  let out = message.split(target.connectionString).join(target.display);
  try {
    const u = new URL(target.connectionString);
    const secrets = [u.password, decodeURIComponent(u.password), u.searchParams.get("password") ?? ""].filter((p) => p.length > 0);
    for (const p of secrets) out = out.split(p).join("***");
  } catch {
    // parseTarget accepted it; nothing to do
  }
  return out;
}

/** A failure of PostgreSQL or of the connection to it — as opposed to one of the projection's or a caller's. */
export class PgError extends Error {
  constructor(readonly pgCause: unknown) {
    super(pgCause instanceof Error ? pgCause.message : String(pgCause));
    this.name = "PgError";
  }
}

/** client.query, with any failure wrapped in PgError. */
export async function pgQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  text: string,
  values?: unknown[],
  name?: string,
): Promise<pg.QueryResult<R>> {
  try {
    return await client.query<R>(name ? { name, text, values } : { text, values });
  } catch (err) {
    throw new PgError(err);
  }
}
