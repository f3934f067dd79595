// A log rolled back behind the head the daemon synced (an older copy restored by a sync tool, or
// a truncation) is caught at the next start and by doctor, and the old head is kept as evidence.
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { auditHeadSeq, tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";

const home = tempHome({ vault: { kdf: "interactive" } });
after(() => home.cleanup());
const cli = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}) => runCli(args, { ...home.env, ...env }, 30_000, input);

describe("audit rollback", () => {
  it("is reported by the next daemon start and by doctor", async () => {
    assert.equal((await cli(["vault", "init", "work", "--passphrase-stdin", "--allow-weak"], "pw\n")).code, 0);
    const first = await startTestDaemon(home);
    assert.equal((await cli(["vault", "unlock", "work", "--passphrase-stdin"], "pw\n")).code, 0);
    assert.equal((await cli(["vault", "lock", "work"])).code, 0);
    // audit_key (the first key epoch), unlock, lock
    await pollUntil(() => auditHeadSeq(home) === 3, { what: "the synced audit head at seq 3", tolerate: true });
    assert.equal(await first.kill(), 0);

    writeFileSync(join(home.home, "audit", "testhost.jsonl"), ""); // rolled back to nothing
    const second = await startTestDaemon(home);
    try {
      const event = second.events("audit_rolled_back")[0];
      assert.equal(event?.head.seq, 3);
      assert.equal(event?.logSeq, 0);
      assert.ok(
        readdirSync(home.runRoot).some((f) => f.endsWith(".stale")),
        "the old head is kept",
      );
      const doctor = await cli(["daemon", "doctor", "--json"]);
      const check = doctor.json().doctor.checks.find((c: any) => c.name === "audit_chain");
      assert.equal(check.state, "failed");
      const noDaemon = await cli(["get", "X", "--vault", "work", "--reason", "r", "--no-daemon", "--json"], undefined, { WARDEN_PASSPHRASE_FILE: "/dev/null" });
      assert.equal(noDaemon.json().error.kind, "conflict", "direct mode says a daemon is running");
    } finally {
      await second.kill();
    }
  });
});
