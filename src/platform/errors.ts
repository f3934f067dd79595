/**
 * A failure outside the socket: refusing to start, a bad config file, an unreachable daemon. Like
 * RpcError it carries a stable `kind` that `--json` output and tests use instead of message text.
 */
export class WardenError extends Error {
  constructor(
    readonly kind: WardenErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "WardenError";
  }

  toJSON(): { kind: string; message: string; [key: string]: unknown } {
    return { ...this.details, kind: this.kind, message: this.message };
  }
}

export type WardenErrorKind =
  | "unsafe_path" // symlink, foreign owner, wrong type or too-open mode where a private path is needed
  | "socket_path_too_long"
  | "already_running"
  | "host_conflict" // the run root holds another host's lock: run/ is being synced
  | "config_invalid"
  | "unavailable" // no daemon answers on the socket
  | "timeout"
  | "start_failed"
  | "conflict" // the thing to create exists already
  | "not_found"
  | "usage" // a bad option value the parser could not catch
  | "no_tty" // a prompt was needed and there is no terminal to ask on
  | "weak_passphrase" // a new vault passphrase under the minimum length, without --allow-weak
  | "audit_invalid"; // an audit log or its checkpoints do not verify (audit prove, audit checkpoint)
