// The watcher and roots that do not exist yet: it waits on the nearest existing ancestor and
// watches the root the moment it appears, however many levels are made at once or one by one.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DirWatcher } from "../../src/sync/watcher.js";
import { pollUntil } from "../helpers/poll.js";

const base = mkdtempSync(join(tmpdir(), "wd-watch-"));
after(() => rmSync(base, { recursive: true, force: true }));

function recorder() {
  const changed: string[] = [];
  const trouble: string[] = [];
  const w = new DirWatcher({ changed: (p) => changed.push(p), trouble: (r) => trouble.push(r) });
  return { w, changed, trouble };
}

describe("DirWatcher on a root that does not exist yet", () => {
  it("watches it once it is made, several levels at once", async () => {
    const root = join(base, "a", "b", "c");
    const { w, changed, trouble } = recorder();
    try {
      w.watchTree(root, 2);
      assert.equal(w.dirs, 0);
      mkdirSync(root, { recursive: true });
      await pollUntil(() => trouble.some((t) => t.includes(root)), { what: "the root to be reported new" });
      assert.ok(w.dirs >= 1);
      writeFileSync(join(root, "x.jsonl"), "{}\n");
      await pollUntil(() => changed.includes(join(root, "x.jsonl")), { what: "a file in it to be seen" });
    } finally {
      w.close();
    }
  });

  it("catches a level made between its look and its watch (mkdir -p racing the wait)", async () => {
    const top = join(base, "race");
    const root = join(top, "deeper", "root");
    const changed: string[] = [];
    const trouble: string[] = [];
    // The real fs.watch, with the rest of the path made just before the wait on `top` starts:
    // no event will ever come for it from that watch.
    const racing = ((dir: string, ...rest: unknown[]) => {
      if (dir === top) mkdirSync(root, { recursive: true });
      return (watch as (...a: unknown[]) => FSWatcher)(dir, ...rest);
    }) as typeof watch;
    const w = new DirWatcher({ changed: (p) => changed.push(p), trouble: (r) => trouble.push(r) }, () => false, racing);
    try {
      mkdirSync(top);
      w.watchTree(root, 1); // waits on `top`, and the path below it appears as the wait begins
      await pollUntil(() => trouble.some((t) => t.includes(root)), { what: "the root to be reported new" });
      writeFileSync(join(root, "z.jsonl"), "{}\n");
      await pollUntil(() => changed.includes(join(root, "z.jsonl")), { what: "a file in it to be seen" });
    } finally {
      w.close();
    }
  });

  it("follows the path down as it is made one level at a time, and back up when a level goes", async () => {
    const top = join(base, "p");
    const root = join(top, "q", "r");
    const { w, changed, trouble } = recorder();
    try {
      w.watchTree(root, 1);
      assert.deepEqual(w.waitingOn, [base]);
      mkdirSync(top);
      await pollUntil(() => w.waitingOn.join() === top, { what: "the wait to move down to p" });
      mkdirSync(join(top, "q"));
      await pollUntil(() => w.waitingOn.join() === join(top, "q"), { what: "the wait to move down to q" });
      rmSync(join(top, "q"), { recursive: true });
      await pollUntil(() => w.waitingOn.join() === top, { what: "the wait to move back up to p" });
      mkdirSync(root, { recursive: true });
      await pollUntil(() => trouble.some((t) => t.includes(root)), { what: "the root to be reported new" });
      writeFileSync(join(root, "y.jsonl"), "{}\n");
      await pollUntil(() => changed.includes(join(root, "y.jsonl")), { what: "a file in it to be seen" });
      assert.deepEqual(w.waitingOn, [], "no ancestor watched once the root is");
    } finally {
      w.close();
    }
  });

  it("ignores what happens beside the path", async () => {
    const root = join(base, "m", "n");
    const { w, changed, trouble } = recorder();
    try {
      w.watchTree(root, 1);
      writeFileSync(join(base, "unrelated.txt"), "x");
      mkdirSync(join(base, "m"));
      mkdirSync(root);
      await pollUntil(() => trouble.some((t) => t.includes(root)), { what: "the root to be reported new" });
      assert.ok(!changed.some((p) => p.endsWith("unrelated.txt")), "a file beside the path is no source change");
    } finally {
      w.close();
    }
  });
});
