// Read commands ask the daemon, or, with --no-daemon / WARDEN_NO_DAEMON=1 / no daemon running,
// read the same data directly (direct-reads.ts) in the same shape.
import type { Database } from "better-sqlite3";
import type { MethodName, ParamsOf, ResultOf } from "../../protocol/index.js";
import { clientSocketPath } from "../platform/paths.js";
import { WardenError } from "../platform/errors.js";
import { callOnce } from "../rpc/client.js";
import { directMode } from "./actions/get.js";
import { CLI_CALL } from "./timeouts.js";

export async function readThrough<N extends MethodName>(
  method: N,
  params: ParamsOf<N>,
  noDaemon: boolean,
  /** The same read on the files; `home` is where events too long to keep in the projection are read from. */
  direct: (db: Database, home: string) => ResultOf<N>,
): Promise<ResultOf<N>> {
  if (!directMode(noDaemon)) {
    try {
      return await callOnce(clientSocketPath(), method, params, CLI_CALL);
    } catch (err) {
      if (!(err instanceof WardenError && err.kind === "unavailable")) throw err;
    }
  }
  const { withDirectReads } = await import("./direct-reads.js");
  return withDirectReads((db, _from, home) => direct(db, home));
}
