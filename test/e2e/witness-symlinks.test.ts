// Another host's files in the synced home are that host's to write: a file-sync tool carries a
// symlink across as a symlink, so keys/<host>.audit.pub, audit/<host>.checkpoints or its log may
// point anywhere here (/dev/zero, a FIFO, a file of this user's). The witness reads none of them
// through a symlink: such a host is not witnessed (its key or checkpoint is as good as absent).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, renameSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { tempHome } from "../helpers/home.js";
import { pollUntil } from "../helpers/poll.js";
import { type HostFile, OtherHost } from "../helpers/witness-files.js";

const home = tempHome();
const hosts = { plain: new OtherHost("hostplain"), pub: new OtherHost("hostpub"), checkpoints: new OtherHost("hostcp"), audit: new OtherHost("hostlog") };
let daemon: TestDaemon;

const witnessedHosts = (): string[] =>
  readFileSync(join(home.home, "audit", "testhost.jsonl"), "utf8")
    .split("\n")
    .slice(0, -1)
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((r) => r.action === "witness")
    .map((r) => r.detail.host as string)
    .sort();

/** Delivers the host's files, `linked` as a symlink to a copy outside the home (what a synced symlink looks like here). */
function deliverLinked(h: OtherHost, linked: HostFile | null): void {
  const all: HostFile[] = ["pub", "audit", "checkpoints"];
  h.deliver(home.home, ...all.filter((f) => f !== linked));
  if (!linked) return;
  const aside = join(h.stage, "aside");
  mkdirSync(aside, { recursive: true });
  const target = join(aside, `${linked}.file`);
  h.deliver(aside, linked);
  renameSync(h.path(linked, aside), target);
  mkdirSync(join(h.path(linked, home.home), ".."), { recursive: true, mode: 0o700 });
  symlinkSync(target, h.path(linked, home.home));
}

before(async () => {
  daemon = await startTestDaemon(home);
});
after(async () => {
  await daemon?.kill();
  for (const h of Object.values(hosts)) h.cleanup();
  home.cleanup();
});

describe("witnessing hosts whose files are symlinks", () => {
  it("witnesses a host whose files are files, and none whose key, checkpoints or log is a symlink", async () => {
    for (const h of Object.values(hosts)) {
      h.startEpoch();
      h.records(2);
      h.checkpoint();
    }
    deliverLinked(hosts.plain, null);
    deliverLinked(hosts.pub, "pub");
    deliverLinked(hosts.checkpoints, "checkpoints");
    deliverLinked(hosts.audit, "audit");
    assert.equal((await runCli(["sync", "run"], home.env)).code, 0);
    await pollUntil(() => witnessedHosts().includes("hostplain"), { what: "hostplain witnessed", detail: () => witnessedHosts().join(",") });
    assert.deepEqual(witnessedHosts(), ["hostplain"]);
  });
});
