// `warden exec`'s environment (issue 15): the inherited one, then each --env-file in order, then
// --secret; every value that is exactly a `warden://` reference becomes one audited read, all of
// them (and the --secret reads) in one fetchSecrets call, all resolved before the child starts.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { WardenError } from "../platform/errors.js";
import { parseDotenv } from "../platform/dotenv.js";
import { RemoteError } from "../rpc/client.js";
import { RpcError } from "../rpc/errors.js";
import { parseReference, type SecretReference } from "../vault/references.js";

/** An env file larger than this is refused: dotenv files are small, and it is read whole. */
export const ENV_FILE_MAX = 1024 * 1024;

/** The text of an env file, at most ENV_FILE_MAX bytes; a typed error naming it otherwise. */
export function readEnvFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new WardenError(code === "ENOENT" ? "not_found" : "usage", `--env-file ${file}: cannot read it (${code})`, { option: "--env-file", file, code });
  }
  try {
    if (!fstatSync(fd).isFile()) throw new WardenError("usage", `--env-file ${file}: not a regular file`, { option: "--env-file", file, reason: "not_file" });
    const buf = Buffer.alloc(ENV_FILE_MAX + 1);
    let size = 0;
    for (let n; size < buf.length && (n = readSync(fd, buf, size, buf.length - size, null)) > 0; ) size += n;
    if (size > ENV_FILE_MAX)
      throw new WardenError("usage", `--env-file ${file}: larger than ${ENV_FILE_MAX} bytes`, { option: "--env-file", file, reason: "too_large" });
    return buf.subarray(0, size).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The inherited environment with each env file's variables over it, later files winning. */
export function layerEnvFiles(base: NodeJS.ProcessEnv, files: string[]): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const file of files) for (const [key, value] of parseDotenv(readEnvFile(file), file)) env[key] = value;
  return env;
}

/** The variables of `env` whose value is exactly a reference, except those in `skip`; a malformed one is a usage error naming its variable. */
export function findReferences(env: NodeJS.ProcessEnv, skip: ReadonlySet<string>): Array<{ env: string; reference: SecretReference }> {
  const found = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || skip.has(key)) continue;
    let reference: SecretReference | null;
    try {
      reference = parseReference(value);
    } catch (err) {
      throw namingVariable(key, err);
    }
    if (reference) found.push({ env: key, reference });
  }
  return found;
}

/** The same error (kind, code, data) with the variable it was for named in its message and as `data.variable`. */
export function namingVariable(variable: string, err: unknown): unknown {
  const prefix = (message: string) => `${variable}: ${message}`;
  if (err instanceof WardenError) return new WardenError(err.kind, prefix(err.message), { ...err.details, variable });
  if (err instanceof RpcError) return new RpcError(err.kind, prefix(err.message), { ...err.details, variable });
  if (err instanceof RemoteError) return new RemoteError({ code: err.code, message: prefix(err.message), data: { ...err.data, kind: err.kind, variable } });
  return err;
}
