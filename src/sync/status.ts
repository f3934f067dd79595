// sync.status: how current the projection is, per source, measured now — the watermarks (one
// query) against a listing and a stat of every source file, like a reconcile pass without writes.
import { statSync } from "node:fs";
import { join } from "node:path";
import type { ResultOf } from "../../protocol/index.js";
import { RULES_VERSION } from "../masking/rules.js";
import type { ProjectionStore } from "../projection/store.js";
import type { SourceKind } from "../projection/sources.js";
import type { SyncEngine } from "./engine.js";
import type { SourceMap } from "./source-map.js";

type Status = ResultOf<"sync.status">;
type SourceStatus = Status["sources"][number];

export function syncStatus(engine: SyncEngine, projection: ProjectionStore, sources: SourceMap, sinks: Status["sinks"]): Omit<Status, "remask"> {
  const now = Date.now();
  const by = new Map<SourceKind, SourceStatus>();
  const entry = (kind: SourceKind): SourceStatus => {
    let s = by.get(kind);
    if (!s) {
      const root = sources.roots.find((r) => r.source === kind)?.root ?? join(sources.home, kind);
      s = {
        source: kind,
        root,
        files: 0,
        missing: 0,
        rows: 0,
        filesBehind: 0,
        bytesBehind: 0,
        lagMs: null,
        masked: 0,
        staleRules: 0,
        searchBehind: 0,
        unparseable: 0,
        lastUnparseable: null,
      };
      const bad = engine.unparseable.get(kind);
      if (bad) {
        s.unparseable = bad.lines;
        s.lastUnparseable = { ...bad.last };
      }
      by.set(kind, s);
    }
    return s;
  };
  for (const kind of ["ledger", "audit", "approvals", ...sources.roots.map((r) => r.source)] as SourceKind[]) entry(kind);
  const behind = (s: SourceStatus, bytes: number, mtimeMs: number) => {
    s.filesBehind++;
    s.bytesBehind += Math.max(0, bytes);
    s.lagMs = Math.max(s.lagMs ?? 0, Math.max(0, Math.round(now - mtimeMs)));
  };
  const marks = projection.watermarkIndex();
  for (const wm of marks.values()) {
    const s = entry(wm.kind as SourceKind);
    s.files++;
    s.rows += wm.last_seq;
    s.masked += wm.masked;
    if (wm.missing) s.missing++;
    if (wm.kind !== "audit" && wm.kind !== "approvals" && wm.mask_version !== RULES_VERSION) s.staleRules++;
    if (wm.kind === "ledger") s.searchBehind += wm.mask_version === RULES_VERSION ? wm.offset - wm.indexed : wm.offset;
  }
  for (const file of sources.discover().sources) {
    const st = statSync(file.path, { throwIfNoEntry: false });
    if (!st) continue;
    const wm = marks.get(file.rel);
    if (!wm) behind(entry(file.kind), st.size, st.mtimeMs);
    else if (st.size !== wm.offset || st.mtimeMs !== wm.mtime_ms || st.ino !== wm.inode) behind(entry(file.kind), st.size - wm.offset, st.mtimeMs);
  }
  let total = 0;
  for (const s of by.values()) total += s.masked;
  const pending = engine.pending;
  return {
    state: projection.rebuilding ? "rebuilding" : pending.running || pending.queued > 0 ? "syncing" : "idle",
    watcher: engine.watcherState,
    reconcileSecs: engine.reconcileSecs,
    lastSyncAt: engine.lastSyncAt,
    lastReconcileAt: engine.lastReconcileAt,
    rulesVersion: RULES_VERSION,
    sources: [...by.values()],
    masked: { total, sinceStart: { ...engine.totals.masked } },
    lastError: engine.lastError,
    sinks,
    reader: engine.readerState,
  };
}
