// No-daemon reads (--no-daemon, WARDEN_NO_DAEMON=1, or no daemon running): the projection opened
// read-only, or, when there is none, an in-memory projection built from the source files. Either
// way the daemon's own read functions run, so the output has the same shape.
import { existsSync } from "node:fs";
import type Database from "better-sqlite3";
import { resolvePaths } from "../daemon/paths.js";
import { syncAll } from "../projection/catchup.js";
import { Projection } from "../projection/projection.js";

export function withDirectReads<T>(fn: (db: Database.Database, from: "projection" | "sources") => T): T {
  const paths = resolvePaths();
  if (existsSync(paths.projection)) {
    let p: Projection | undefined;
    try {
      p = Projection.open(paths.projection, { readonly: true });
    } catch {
      p = undefined; // damaged: fall back to the sources
    }
    if (p) {
      try {
        return fn(p.db, "projection");
      } finally {
        p.close();
      }
    }
  }
  const mem = Projection.open(":memory:");
  try {
    syncAll(mem, paths.home);
    return fn(mem.db, "sources");
  } finally {
    mem.close();
  }
}
