// DurableEvents (the event hub's durable side) reads another host's session, which only the
// projection holds, through the projection's reader: each query prepared once, and the new
// database after a restore swaps the file. Real SQLite, real ledger files, a real ProjectionStore.
import { SecretValues } from "../../src/masking/secret-values.js";
import { StoreKeeper } from "../../src/sync/store-keeper.js";
import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LedgerWriter } from "../../src/ledger/writer.js";
import { openLogger } from "../../src/platform/log.js";
import { resolvePaths } from "../../src/platform/paths.js";
import { ProjectionStore } from "../../src/projection/store.js";
import { DurableEvents } from "../../src/sessions/store.js";

const base = mkdtempSync(join(tmpdir(), "wd-de-"));
after(() => rmSync(base, { recursive: true, force: true }));
const paths = resolvePaths({ WARDEN_HOME: join(base, "h"), WARDEN_HOST: "testhost" });
const other = join(paths.home, "ledger", "otherhost");
mkdirSync(other, { recursive: true });
mkdirSync(paths.runRoot, { recursive: true });

const ev = (seq: number) =>
  JSON.stringify({ v: 1, session: "b", seq, ts: `2026-01-01T00:00:${String(seq).padStart(2, "0")}Z`, kind: seq === 1 ? "open" : "note", data: { n: seq } }) +
  "\n";
const write = (from: number, to: number) => {
  for (let s = from; s <= to; s++) appendFileSync(join(other, "b.jsonl"), ev(s));
};

describe("DurableEvents", () => {
  it("reads a session only the projection holds through its reader: prepared once, following a restore", async () => {
    write(1, 3);
    const log = openLogger({ path: paths.log, level: "error", maxBytes: 1 << 20, echo: null });
    const service = new ProjectionStore(paths, log);
    const keeper = new StoreKeeper(service, paths, log, { transcripts: [], secrets: new SecretValues() });
    const writer = new LedgerWriter({ dir: paths.ledger, durability: "batch", flushMs: 10, maxBatchBytes: 1 << 20, maxOpenFiles: 4 }, (files) =>
      keeper.applyCommitted(files),
    );
    try {
      keeper.boot();
      const store = new DurableEvents(writer, service);
      const db = service.db;
      const real = db.prepare.bind(db);
      let prepares = 0;
      db.prepare = ((sql: string) => (prepares++, real(sql))) as typeof db.prepare;
      const read = () => [store.lastSeq("b"), store.readAfter("b", 1, 10).map((e) => e.seq)];
      assert.deepEqual(read(), [3, [2, 3]]);
      const once = prepares;
      assert.deepEqual(read(), [3, [2, 3]]);
      assert.equal(prepares, once, "the same reads again prepared nothing");

      const { file } = await service.backup();
      write(4, 5);
      await keeper.restore(file); // a new database, caught up from the sources
      assert.deepEqual(read(), [5, [2, 3, 4, 5]], "read from the swapped-in database");
    } finally {
      await writer.close();
      service.close();
    }
  });
});
