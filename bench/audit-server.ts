// The daemon's read path alone, for the checkpointing figure: vault.get served over a Unix socket
// by the daemon's own SocketServer, Dispatcher and VaultService, audited to an AuditLog that signs
// checkpoints or not (argv[4]: "checkpoints" | "plain"). The daemon itself has no switch to turn
// checkpoints off, nor should it; this server exists only so that one run can measure both.
//   node audit-server.js <home> <socket> <audit file> checkpoints|plain <passphrase>
import { join } from "node:path";
import { vaultBindings } from "../src/daemon/handlers/vault.js";
import { SocketServer, serverLimits } from "../src/daemon/socket-server.js";
import { loadAuditSigner } from "../src/ledger/audit-key.js";
import { AuditLog } from "../src/ledger/audit-log.js";
import { loadDaemonKey } from "../src/masking/masked-digests.js";
import { loadConfig } from "../src/platform/config.js";
import { openLogger } from "../src/platform/log.js";
import { resolvePaths } from "../src/platform/paths.js";
import type { CallContext } from "../src/rpc/context.js";
import { Dispatcher } from "../src/rpc/dispatcher.js";
import { readDigester } from "../src/vault/audit-digests.js";
import { deriveMasterKey } from "../src/vault/crypto.js";
import { readVaultFile } from "../src/vault/format.js";
import { VaultService } from "../src/vault/service.js";
import { vaultPath } from "../src/vault/store.js";

const [home, socket, auditPath, mode, passphrase] = process.argv.slice(2) as [string, string, string, string, string];
const paths = resolvePaths({ WARDEN_HOME: home, WARDEN_HOST: "bench", HOME: join(home, "..") });
const config = loadConfig(paths.config);
const log = openLogger({ path: join(home, "..", `server-${process.pid}.log`), level: "warn", maxBytes: 1 << 24, echo: null });
const signer = mode === "checkpoints" ? loadAuditSigner(paths) : null;
const audit = new AuditLog(auditPath, "bench", { hold: true, ...(signer ? { checkpoints: { path: `${auditPath}.checkpoints`, signer } } : {}) });
const vault = new VaultService(home, config.vault, audit, log, () => {}, { digests: readDigester(loadDaemonKey(paths)) });
const self = {
  connectionId: 0,
  peer: { uid: process.getuid!(), gid: process.getgid!(), pid: process.pid },
  restricted: false,
  agentSession: null,
} as unknown as CallContext;
const doc = readVaultFile(vaultPath(home, "bench"), "bench");
const master = await deriveMasterKey(Buffer.from(passphrase), doc.kdf);
await vault.unlock({ vault: "bench", key: master.toString("base64") }, self);
const s = config.server;
const server = new SocketServer({
  dispatcher: new Dispatcher(vaultBindings(vault), log),
  ...serverLimits(s),
  log,
});
await server.listen({ path: socket, restricted: false });
process.once("SIGTERM", async () => {
  await server.shutdown(1000);
  vault.dispose();
  audit.close();
  signer?.close();
  log.close();
  process.exit(0);
});
process.send?.("ready");
