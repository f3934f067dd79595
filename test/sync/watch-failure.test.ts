// A directory that cannot be watched (the inotify watch limit, ENOSPC; a permission, EACCES) is
// left to the reconciler: the state change is reported once, not on every pass (each pass tries
// the watch again and would otherwise ask for another pass at once: a reconcile loop).
//
// The failing fs.watch is injected: ENOSPC needs the host's fs.inotify.max_user_watches lowered
// (not something a test may do to a shared machine) and EACCES never happens to root, which CI
// runs as. Every other directory gets the real fs.watch.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { DirWatcher } from "../../src/sync/watcher.js";
import { pollUntil } from "../helpers/poll.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-w-"));
  mkdirSync(join(dir, "a", "blocked"), { recursive: true });
  mkdirSync(join(dir, "a", "fine"), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const failing = (blocked: Set<string>, code: string): typeof watch =>
  ((path: string, ...rest: unknown[]) => {
    if (blocked.has(path)) throw Object.assign(new Error(`${code}: cannot watch`), { code });
    return (watch as (...a: unknown[]) => ReturnType<typeof watch>)(path, ...rest);
  }) as typeof watch;

for (const code of ["ENOSPC", "EACCES"]) {
  describe(`a directory that cannot be watched (${code})`, () => {
    it("is reported once and left to the reconciler, however many passes try it again", () => {
      const blocked = new Set([join(dir, "a", "blocked"), join(dir, "a", "fine")]);
      const troubles: string[] = [];
      const states: Array<string | null> = [];
      let passes = 0;
      const w: DirWatcher = new DirWatcher(
        {
          changed: () => {},
          trouble: (reason) => {
            troubles.push(reason);
            // What the engine does: a reconcile pass, which watches the roots again.
            if (++passes < 20) w.watchTree(join(dir, "a"), 2);
          },
          degraded: (reason) => states.push(reason),
        },
        () => false,
        failing(blocked, code),
      );
      try {
        w.watchTree(join(dir, "a"), 2);
        for (let i = 0; i < 3; i++) w.watchTree(join(dir, "a"), 2); // the periodic reconciles
        assert.equal(troubles.length, 2, `trouble reported ${troubles.length} times (once per directory that failed)`);
        assert.equal(states.length, 1);
        assert.ok(w.degraded);
        assert.equal(w.dirs, 1, "the root itself is watched");
        // The limit is raised (or the permission given): watched again, and that is said once too.
        blocked.clear();
        w.watchTree(join(dir, "a"), 2);
        w.watchTree(join(dir, "a"), 2);
        assert.equal(w.degraded, null);
        assert.equal(w.dirs, 3);
        assert.deepEqual(states.slice(1), [null]);
      } finally {
        w.close();
      }
    });
  });
}

describe("a watched directory", () => {
  it("reports a file written in it", async () => {
    const seen: string[] = [];
    const w = new DirWatcher({ changed: (p) => seen.push(p), trouble: () => {} });
    try {
      w.watchTree(join(dir, "a"), 2);
      writeFileSync(join(dir, "a", "fine", "t.jsonl"), "{}\n");
      await pollUntil(() => seen.includes(join(dir, "a", "fine", "t.jsonl")), { what: "the file's event" });
      assert.equal(w.degraded, null);
    } finally {
      w.close();
    }
  });
});
