// No-daemon reads (--no-daemon, WARDEN_NO_DAEMON=1, or no daemon running): the projection opened
// read-only, or, when there is none, an in-memory projection built from the source files. Either
// way the daemon's own read functions run, so the output has the same shape.
import { existsSync, statSync } from "node:fs";
import type Database from "better-sqlite3";
import { resolvePaths } from "../platform/paths.js";
import { catchUpAll } from "../sync/catch-up.js";
import { watermarkLimits } from "../projection/compare.js";
import { Projection } from "../projection/projection.js";
import { discoverSources } from "../sync/discover.js";

export function withDirectReads<T>(fn: (db: Database.Database, from: "projection" | "sources", home: string) => T): T {
  const paths = resolvePaths();
  let p: Projection | undefined;
  if (existsSync(paths.projection)) {
    try {
      p = Projection.open(paths.projection, { readonly: true });
    } catch {
      p = undefined; // damaged: fall back to the sources
    }
  }
  if (p && !behind(p, paths.home)) {
    try {
      return fn(p.db, "projection", paths.home);
    } finally {
      p.close();
    }
  }
  // No projection, a damaged one, or one the sources have moved past (files synced in while the
  // daemon was down): catch up a private in-memory copy, never the file itself.
  const mem = Projection.inMemory(p?.db.serialize());
  p?.close();
  try {
    catchUpAll(mem, paths.home);
    return fn(mem.db, p ? "projection" : "sources", paths.home);
  } finally {
    mem.close();
  }
}

/** Whether any source file holds bytes past the projection's watermark for it. */
function behind(p: Projection, home: string): boolean {
  const limits = watermarkLimits(p.db);
  return discoverSources(home).some((s) => (statSync(s.path, { throwIfNoEntry: false })?.size ?? 0) !== (limits.get(s.rel) ?? -1));
}
