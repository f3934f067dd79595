// The shared witness check: prefix roots of another host's log (incremental and from scratch
// agree; a rewrite is noticed), checkpoint notes against the published key, and the witness
// records read back from this host's own log.
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { AuditLog } from "../../src/ledger/audit-log.js";
import { checkWitnessed, PrefixHasher, prefixRoot, verifyCheckpointNote } from "../../src/ledger/witness-check.js";
import { lastWitnesses } from "../../src/ledger/witness-records.js";
import { OtherHost } from "../helpers/witness-files.js";

const hosts: OtherHost[] = [];
const other = (name = "hosta") => {
  const h = new OtherHost(name);
  hosts.push(h);
  return h;
};
after(() => {
  for (const h of hosts) h.cleanup();
});

describe("witness check", () => {
  it("computes the root of a log's prefix, incrementally as from scratch", () => {
    const a = other();
    a.startEpoch();
    a.records(6);
    for (const size of [0, 1, 2, 3, 5, 7]) assert.equal(prefixRoot(a.path("audit"), size)?.root.toString("base64"), a.root(size).root, `size ${size}`);
    assert.equal(prefixRoot(a.path("audit"), 8), null, "fewer leaves than asked");
    assert.equal(prefixRoot(a.path("audit"), 1)?.epochKey, a.verifierKey);

    const h = new PrefixHasher();
    let fd = openSync(a.path("audit"), "r");
    const seen: number[] = [];
    assert.equal(
      h.advance(fd, 3, Infinity, (n) => seen.push(n)),
      true,
    );
    assert.equal(h.advance(fd, 20), false, "the file ends first");
    closeSync(fd);
    a.records(3);
    fd = openSync(a.path("audit"), "r");
    assert.equal(h.intact(fd), true);
    assert.equal(h.advance(fd, 10), true);
    assert.equal(h.frontier.root().toString("base64"), a.root(10).root);
    assert.deepEqual(seen, [1, 2, 3]);
    closeSync(fd);

    const lines = readFileSync(a.path("audit"), "utf8").split("\n");
    lines[0] = lines[0]!.replace('"seq":1', '"seq":1 ');
    writeFileSync(a.path("audit"), lines.join("\n"));
    fd = openSync(a.path("audit"), "r");
    assert.equal(h.intact(fd), false, "its first line changed");
    closeSync(fd);
    writeFileSync(a.path("audit"), lines.slice(0, 4).join("\n") + "\n");
    fd = openSync(a.path("audit"), "r");
    assert.equal(h.intact(fd), false, "shorter");
    closeSync(fd);
  });

  it("says whether a log still holds what was witnessed", () => {
    const a = other();
    a.startEpoch();
    a.records(4);
    const w = a.root(3);
    assert.equal(checkWitnessed(a.path("audit"), w), "consistent");
    assert.equal(checkWitnessed(a.path("audit"), { size: 9, root: w.root }), "behind");
    assert.equal(checkWitnessed(join(a.stage, "none.jsonl"), w), "behind");
    const forged = other();
    forged.startEpoch();
    forged.records(4);
    assert.equal(checkWitnessed(forged.path("audit"), w), "inconsistent");
  });

  it("verifies a checkpoint note against the published key", () => {
    const a = other();
    a.startEpoch();
    a.records(2);
    const cp = a.checkpoint();
    const ok = verifyCheckpointNote(cp.note, "hosta", `${a.verifierKey}\n`);
    assert.equal(ok.state, "ok");
    assert.equal(ok.state === "ok" && ok.checkpoint.size, 3);
    assert.equal(verifyCheckpointNote(cp.note, "hosta", null).state, "unknown_key", "no key published yet");
    assert.equal(verifyCheckpointNote(cp.note, "hosta", other().verifierKey).state, "unknown_key", "another key");
    assert.equal(verifyCheckpointNote(cp.note, "hostb", a.verifierKey).state, "bad", "another host's origin");
    const tampered = cp.note.replace(/\n3\n/, "\n4\n");
    const bad = verifyCheckpointNote(tampered, "hosta", a.verifierKey);
    assert.deepEqual([bad.state, bad.state === "bad" && bad.checkpoint?.size], ["bad", 4]);
    assert.equal(verifyCheckpointNote("garbage", "hosta", a.verifierKey).state, "bad");
  });

  it("finds the last witness record and the last good one per host in this host's log", () => {
    const dir = mkdtempSync(join(tmpdir(), "wwr-"));
    try {
      const path = join(dir, "me.jsonl");
      const log = new AuditLog(path, "me", { hold: false });
      const w = (host: string, size: number, outcome: "ok" | "error" = "ok") =>
        log.append({
          action: "witness",
          outcome,
          ...(outcome === "error" ? { kind: "witness_inconsistent" } : {}),
          detail: { host, size, root: `r${size}`, key: "k" },
        });
      w("a", 1);
      w("b", 2);
      w("a", 3);
      log.append({ action: "unlock", outcome: "ok", vault: "v" });
      w("a", 5, "error");
      log.close();
      const all = lastWitnesses(path);
      assert.deepEqual([all.get("a")?.last.size, all.get("a")?.last.outcome, all.get("a")?.good?.size, all.get("b")?.good?.size], [5, "error", 3, 2]);
      const some = lastWitnesses(path, new Set(["a"]));
      assert.equal(some.get("a")?.good?.size, 3);
      assert.equal(some.has("b"), false, "read no further back than needed");
      assert.equal(lastWitnesses(join(dir, "none.jsonl")).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
