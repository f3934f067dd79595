// Row counts for status, from the watermarks (one row per source file) rather than count(*) over
// millions of rows: each file's last seq is its number of records when seqs have no gaps. Kept
// for a moment, and only while nothing was written since (SQLite's total_changes says so).
import type Database from "better-sqlite3";
import type { counts } from "./read.js";
import type { ProjectionStore } from "./store.js";

const COUNTS_TTL_MS = 2000;

type Counts = ReturnType<typeof counts>;

export class StoreCounts {
  private cached: { at: number; changes: number; value: Counts } | null = null;
  /** Both statements, prepared once per database (a swap brings a new one). */
  private s: { db: Database.Database; changes: Database.Statement; bySurface: Database.Statement } | null = null;

  constructor(private readonly store: ProjectionStore) {}

  get(): Counts {
    const now = Date.now();
    const db = this.store.current.db;
    if (this.s?.db !== db) {
      this.s = {
        db,
        changes: db.prepare("SELECT total_changes() AS n").pluck(),
        bySurface: db.prepare("SELECT surface, count(*) AS files, coalesce(sum(last_seq), 0) AS seqs FROM watermarks GROUP BY surface"),
      };
      this.cached = null;
    }
    const changes = this.s.changes.get() as number;
    const c = this.cached;
    if (c && c.changes === changes && now - c.at <= COUNTS_TTL_MS) return c.value;
    const by = new Map((this.s.bySurface.all() as Array<{ surface: string; files: number; seqs: number }>).map((r) => [r.surface, r]));
    const events = by.get("events");
    const value = { sessions: events?.files ?? 0, events: events?.seqs ?? 0, audit: by.get("audit")?.seqs ?? 0, approvals: by.get("approvals")?.seqs ?? 0 };
    this.cached = { at: now, changes, value };
    return value;
  }
}
