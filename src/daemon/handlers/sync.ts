// search.query, sync.status, sync.run.
import { methods, type ResultOf } from "../../../protocol/index.js";
import type { ProjectionStore } from "../../projection/store.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";
import type { SyncEngine } from "../../sync/engine.js";
import type { SourceMap } from "../../sync/source-map.js";
import { syncStatus } from "../../sync/status.js";
import type { StoreKeeper } from "../../sync/store-keeper.js";

export interface SyncDeps {
  projection: ProjectionStore;
  keeper: StoreKeeper;
  engine: SyncEngine;
  sources: SourceMap;
  sinks: () => ResultOf<"sync.status">["sinks"];
  remask: () => ResultOf<"sync.status">["remask"];
}

export function syncBindings(d: SyncDeps): Binding[] {
  return [
    bind(methods["search.query"], (p) => d.projection.reader.search(p)),
    bind(methods["sync.status"], () => ({ ...syncStatus(d.engine, d.projection, d.sources, d.sinks()), remask: d.remask() })),
    bind(methods["sync.run"], async (p) => {
      const t0 = performance.now();
      if (p.full) {
        const r = await d.keeper.rebuild(() => {});
        const report = d.keeper.lastRebuildReport;
        d.engine.fullSyncDone(report);
        return {
          full: true,
          durationMs: Math.round(performance.now() - t0),
          files: r.files,
          rows: r.rows,
          bytes: report?.bytes ?? 0,
          masked: total(report?.masked ?? {}),
          unparseable: r.unparseable,
        };
      }
      const before = { ...d.engine.totals, files: d.engine.applied, masked: total(d.engine.totals.masked), unparseable: d.engine.unparseableTotal };
      await d.engine.runNow();
      const t = d.engine.totals;
      return {
        full: false,
        durationMs: Math.round(performance.now() - t0),
        files: d.engine.applied - before.files,
        rows: t.rows - before.rows,
        bytes: t.bytes - before.bytes,
        masked: total(t.masked) - before.masked,
        unparseable: d.engine.unparseableTotal - before.unparseable,
      };
    }),
  ];
}

const total = (hits: Record<string, number>) => Object.values(hits).reduce((a, b) => a + b, 0);
