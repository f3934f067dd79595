// What the masker must catch in a real session's terminal output, end to end: an injected vault
// value printed the way `grep --color=always` prints it (split by colour codes), and a password a
// person chose, assigned in the shell. Neither may reach the ledger, the projection, events.read
// or search.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { decodeBytes, type LedgerEvent } from "../../src/ledger/events.js";
import type { RpcClient } from "../../src/rpc/client.js";
import { runCli } from "../helpers/cli.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { storedBytes, type TempHome } from "../helpers/home.js";
import { watch } from "../helpers/sessions.js";
import { pollUntil } from "../helpers/poll.js";
import { PASS, startVaultHome, stopVaultHome } from "../helpers/vault-home.js";

// Matches no token rule: only the known value can catch it.
const SECRET = "wdnRT7f3Kq9ZpX2mLv8cY4";
let home: TempHome;
let d: TestDaemon;
let c: RpcClient;
let project: string;
const cli = (args: string[], input?: string) => runCli(args, home.env, 30_000, input);

before(async () => {
  ({ home, d, c, project } = await startVaultHome([{ name: "TOKEN", value: SECRET, scope: "ci" }]));
  assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], `${PASS}\n`)).code, 0);
});
after(() => stopVaultHome({ home, d, c, project }));

const stored = () => storedBytes(home);

/** Output as a terminal shows it: escape sequences (raw or JSON-escaped) taken out. */
const shown = (text: string) => text.replace(/(?:\x1b|\\u001[bB])\[[0-9;]*[A-Za-z]/g, "");
const outputOf = (events: LedgerEvent[]) => Buffer.concat(events.filter((e) => e.kind === "output").map((e) => decodeBytes(e.data))).toString("utf8");

describe("masking terminal output end to end", () => {
  it("masks an injected value printed split by grep's colour codes: no trace in the ledger, the projection or events.read", async () => {
    // What `grep --color=always Kq9` prints for the line: the match in red, each change with an erase.
    const script = String.raw`printf 'conf: %s\033[01;31m\033[K%s\033[m\033[K%s :end\n' "${"$"}{TOKEN:0:8}" "${"$"}{TOKEN:8:3}" "${"$"}{TOKEN:11}"`;
    const s = await c.call("sessions.launch", {
      argv: ["bash", "--norc", "--noprofile", "-c", script],
      cwd: project,
      secrets: { TOKEN: "work/TOKEN" },
      scopes: ["ci"],
      reason: "test",
    });
    const w = await watch(c, s.id);
    assert.equal((await w.exit()).code, 0);
    const seen = shown(w.output());
    assert.match(seen, /conf: \[MASKED:secret\] :end/);
    const read = await c.call("events.read", { session: s.id });
    const all = JSON.stringify(read.events) + outputOf(read.events as LedgerEvent[]);
    for (const text of [seen, shown(all), shown(stored())]) {
      for (const piece of [SECRET, SECRET.slice(0, 8), SECRET.slice(11), SECRET.slice(3, 11)]) assert.ok(!text.includes(piece), `${piece} leaked`);
    }
    for (const piece of [SECRET.slice(0, 8), SECRET.slice(11)]) assert.ok(!stored().includes(piece), `${piece} stored`);
  });

  it("masks a password assigned in the shell: search finds the line, not the password", async () => {
    const s = await c.call("sessions.launch", {
      argv: ["bash", "--norc", "--noprofile", "-c", `echo 'zebrafinch DB_PASSWORD="s3cr3t-P@ssw0rd-2026!" ok'`],
      cwd: project,
    });
    const w = await watch(c, s.id);
    assert.equal((await w.exit()).code, 0);
    assert.match(w.output(), /zebrafinch DB_PASSWORD="\[MASKED:password\]" ok/);
    // Search documents are made in the background: once the line is found, so would the password be.
    await pollUntil(async () => (await c.call("search.query", { q: "zebrafinch", session: s.id })).results.length > 0, { what: "the output to be searchable" });
    assert.equal((await c.call("search.query", { q: "s3cr3t" })).results.length, 0);
    assert.equal((await c.call("search.query", { q: "ssw0rd" })).results.length, 0);
    assert.ok(!stored().includes("s3cr3t"));
  });
});
