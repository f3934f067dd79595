import { clientSocketPath } from "../../platform/paths.js";
import { RpcClient } from "../../rpc/client.js";
import { print, type Io } from "../report.js";
import { CLI_CALL } from "../timeouts.js";

/** `warden ping`: shared by the clipanion command and the fast path. */
export async function ping(io: Io): Promise<number> {
  const socket = clientSocketPath();
  const client = await RpcClient.connect(socket, CLI_CALL);
  try {
    const t0 = performance.now();
    await client.call("ping");
    const rttMs = Math.round((performance.now() - t0) * 1000) / 1000;
    print(io, `pong from ${socket} in ${rttMs} ms`, { pong: true, rttMs, socket });
    return 0;
  } finally {
    client.close();
  }
}
