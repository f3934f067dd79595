// Ledger search documents, made in the background a slice at a time with a pause between:
// INDEX_SLICE per INDEX_PAUSE_MS while the thread is otherwise idle, and at most INDEX_BUSY_SHARE
// of the thread while other work kept it busy during the pause, however much output arrives.
// During a rebuild it waits: the rebuilt store is indexed by the rebuild, and what the swap's
// catch-up applied is next.
import type { SecretValues } from "../masking/secret-values.js";
import type { ProjectionStore } from "../projection/store.js";
import { indexNextLedger } from "./ledger-index.js";
import type { StoreKeeper } from "./store-keeper.js";

/** Ledger search indexing: this many bytes of a ledger, then a pause for everything else. */
const INDEX_SLICE = 256 * 1024;
/** The pause after a slice when the thread had nothing else to do: search catches up quickly. */
const INDEX_PAUSE_MS = 20;
/**
 * While the thread is busy with other work (sessions printing, requests), indexing takes at most
 * this share of it: recording comes first, the index lags a burst and catches up after.
 */
const INDEX_BUSY_SHARE = 0.1;
/** Event-loop utilization during a pause above which the thread counts as busy. */
const BUSY_UTILIZATION = 0.3;

export class LedgerIndexer {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: ProjectionStore,
    private readonly keeper: StoreKeeper,
    private readonly secrets: SecretValues,
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Ledger events were applied (or may have been): their documents are to be made. */
  soon(pauseMs = INDEX_PAUSE_MS): void {
    if (this.timer || this.closed) return;
    const before = performance.eventLoopUtilization();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.store.closed) return;
      if (this.keeper.rebuildingNow) return void this.keeper.rebuildDone().then(() => this.soon());
      const busy = performance.eventLoopUtilization(before).utilization > BUSY_UTILIZATION;
      const t0 = performance.now();
      let more = false;
      try {
        more = indexNextLedger(this.store.current, this.store.home, this.secrets, INDEX_SLICE);
      } catch (err) {
        this.failed(err);
      }
      const took = performance.now() - t0;
      if (more) this.soon(busy ? Math.max(INDEX_PAUSE_MS, (took * (1 - INDEX_BUSY_SHARE)) / INDEX_BUSY_SHARE) : INDEX_PAUSE_MS);
    }, pauseMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
