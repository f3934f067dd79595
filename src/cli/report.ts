// One way to report a failure, shared by clipanion commands and the fast path: a message on
// stderr, or {"error": {...}} on stdout with --json, and an exit code scripts can branch on.
import { WardenError } from "../platform/errors.js";
import { RemoteError } from "../rpc/client.js";
import { RpcError } from "../rpc/errors.js";

/** Exit codes: 0 success, 1 failure, 2 usage, 3 the daemon is not running. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_RUNNING = 3;

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  json: boolean;
}

export function print(io: Io, human: string, data: unknown): void {
  io.stdout.write(io.json ? JSON.stringify(data, null, 2) + "\n" : human + "\n");
}

export function reportError(io: Io, err: unknown): number {
  const error =
    err instanceof WardenError
      ? err.toJSON()
      : err instanceof RemoteError
        ? { ...err.data, kind: err.kind, code: err.code, message: err.message }
        : err instanceof RpcError // raised in-process by direct-mode code, same kinds as over the socket
          ? { ...err.details, kind: err.kind, code: err.code, message: err.message }
          : { kind: "internal", message: err instanceof Error ? err.message : String(err) };
  if (io.json) io.stdout.write(JSON.stringify({ error }, null, 2) + "\n");
  else io.stderr.write(`warden: ${error.message}\n`);
  return error.kind === "unavailable" ? EXIT_NOT_RUNNING : error.kind === "usage" ? EXIT_USAGE : EXIT_FAILURE;
}
