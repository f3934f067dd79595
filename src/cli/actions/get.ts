// `warden get`: shared by the clipanion command and the fast path. Through the daemon when one
// runs; otherwise (or with --no-daemon / WARDEN_NO_DAEMON=1) straight from the vault file after
// a passphrase prompt — which fails at once, rather than hang, when there is no terminal.
import { refuseCoreDumps } from "../../platform/native.js";
import { clientSocketPath } from "../../platform/paths.js";
import { WardenError } from "../../platform/errors.js";
import { RpcClient } from "../../rpc/client.js";
import type { ReadRequest } from "../../vault/read-path.js";
import { print, type Io } from "../report.js";
import { CLI_CALL } from "../timeouts.js";

/** What vault.get takes, through the daemon or in direct mode alike. */
export type SecretRequest = ReadRequest;

export function directMode(noDaemon: boolean): boolean {
  return noDaemon || process.env.WARDEN_NO_DAEMON === "1";
}

/**
 * Resolves every request through one daemon connection, or all directly when there is no daemon.
 * `onFallback` hears when a missing daemon sends us to direct mode; `onFailed` hears the index of
 * the request whose read threw, before the error propagates.
 */
export async function fetchSecrets(
  requests: SecretRequest[],
  noDaemon: boolean,
  onFallback: (why: string) => void,
  onFailed?: (index: number) => void,
): Promise<Array<{ vault: string; name: string; value: string }>> {
  if (!directMode(noDaemon)) {
    let client: RpcClient | undefined;
    try {
      client = await RpcClient.connect(clientSocketPath(), CLI_CALL);
    } catch (err) {
      if (!(err instanceof WardenError && err.kind === "unavailable")) throw err;
      onFallback(err.message);
    }
    if (client) {
      try {
        const out = [];
        for (const [i, r] of requests.entries()) {
          try {
            out.push(await client.call("vault.get", r));
          } catch (err) {
            onFailed?.(i);
            throw err;
          }
        }
        // Only now: the daemon reads our /proc/<pid>/exe for its audit record, which a
        // non-dumpable process hides from it.
        refuseCoreDumps();
        return out;
      } finally {
        client.close();
      }
    }
  }
  const { readDirect } = await import("../vault-direct.js");
  return readDirect(requests, onFailed);
}

export async function get(request: SecretRequest, noDaemon: boolean, io: Io): Promise<number> {
  if (!request.reason) throw new WardenError("usage", "--reason is required: say why the secret is needed (it goes to the audit log)", { option: "--reason" });
  const [secret] = await fetchSecrets([request], noDaemon, (why) => io.stderr.write(`warden: ${why.split(";")[0]}; reading the vault directly\n`));
  if (io.json) print(io, "", secret);
  else io.stdout.write(secret!.value + ((io.stdout as { isTTY?: boolean }).isTTY ? "\n" : ""));
  return 0;
}
