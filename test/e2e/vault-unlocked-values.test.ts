// Every value of an unlocked vault is masked, including one added to its file (by the CLI,
// directly) while it is unlocked and never read through the daemon.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import type { TestDaemon } from "../helpers/daemon.js";
import type { TempHome } from "../helpers/home.js";
import { watch } from "../helpers/sessions.js";
import { pollUntil } from "../helpers/poll.js";
import { PASS, startVaultHome, stopVaultHome } from "../helpers/vault-home.js";

// Match no token rule: only exact-value masking can catch them.
const FIRST = "first-value-Hq3vN8wT2kLp";
const ADDED = "added-later-Zr5mX1cB7yQd";
let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

before(async () => {
  ({ home, d, c, project } = await startVaultHome([{ name: "FIRST", value: FIRST }]));
});
after(() => stopVaultHome({ home, d, c, project }));

/** Every byte warden stored: ledger files, the projection and its WAL. */
function stored(): string {
  const parts: string[] = [];
  const ledger = join(home.home, "ledger", "testhost");
  for (const f of readdirSync(ledger)) parts.push(readFileSync(join(ledger, f), "latin1"));
  for (const f of readdirSync(home.runRoot)) if (f.startsWith("projection")) parts.push(readFileSync(join(home.runRoot, f), "latin1"));
  return parts.join("\n");
}

describe("values of an unlocked vault", () => {
  it("masks a value added while the vault is unlocked, never read through the daemon", async () => {
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
    assert.equal((await cli(["vault", "add", "work", "ADDED", "--passphrase-stdin"], `${PASS}\n${ADDED}\n`)).code, 0);
    const file = join(project, "values.txt");
    writeFileSync(file, `marker-word-one ${FIRST}\nmarker-word-two ${ADDED}\n`);
    const s = await c.call("sessions.launch", { argv: ["cat", file], cwd: project });
    const w = await watch(c, s.id);
    assert.equal((await w.exit()).code, 0);
    const out = w.output();
    assert.ok(out.includes("marker-word-two [MASKED:secret]"), out);
    assert.ok(!out.includes(ADDED) && !out.includes(FIRST), out);
    const read = await c.call("events.read", { session: s.id, after: 0, limit: 1000 });
    assert.ok(!JSON.stringify(read).includes(ADDED));
    // Searchable once indexed: the marker is found, the value is not.
    await pollUntil(async () => (await c.call("search.query", { q: "marker-word-two" })).results.length > 0, { what: "the output to be searchable" });
    assert.equal((await c.call("search.query", { q: ADDED })).results.length, 0);
    assert.ok(!stored().includes(ADDED), "no ledger file or projection page holds the added value");
    assert.ok(!stored().includes(FIRST));
  });
});
