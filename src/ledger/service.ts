// Log sessions: sessions.open / events.append / sessions.close over this host's ledger writer.
// Only this host's sessions are written; other hosts' arrive by file sync and are read-only.
// What a client gives (title, meta, event data) is masked before it is written, like PTY output.
import { existsSync } from "node:fs";
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import { maskValue } from "../masking/masker.js";
import type { SecretValues } from "../masking/secret-values.js";
import { RpcError } from "../rpc/errors.js";
import type { LedgerEvent } from "./events.js";
import { uuidv7 } from "./ids.js";
import type { LedgerWriter } from "./writer.js";

const MAX_DATA_BYTES = 1024 * 1024;
const LOG_APPENDABLE = new Set(["open", "note", "action"]);

export class LedgerService {
  /** Whether each session touched so far is still open; filled from disk on first touch. */
  private readonly open = new Map<string, boolean>();

  constructor(
    private readonly writer: LedgerWriter,
    private readonly host: string,
    private readonly secrets: SecretValues,
    /** Each event once durable, in seq order: subscribers of a log session get its live tail from here. */
    private readonly published: (e: LedgerEvent) => void = () => {},
  ) {}

  async openSession(p: ParamsOf<"sessions.open">): Promise<ResultOf<"sessions.open">> {
    const id = uuidv7();
    this.open.set(id, true);
    const title = this.mask(p.title) as string;
    const meta = p.meta ? (this.mask(p.meta) as typeof p.meta) : undefined;
    const e = await this.writer.append(id, "open", { title, kind: p.kind ?? "log", host: this.host, ...(meta ? { meta } : {}) });
    this.published(e);
    return {
      id,
      host: this.host,
      kind: p.kind ?? "log",
      title,
      state: "open",
      createdAt: e.ts,
      updatedAt: e.ts,
      lastSeq: e.seq,
      meta: meta ?? null,
      archived: false,
      live: null,
      process: null,
      source: "warden",
      sourceMissing: false,
      credentials: null,
    };
  }

  async append(p: ParamsOf<"events.append">): Promise<ResultOf<"events.append">> {
    if (Buffer.byteLength(JSON.stringify(p.data)) > MAX_DATA_BYTES) {
      throw new RpcError("invalid_params", `data is over ${MAX_DATA_BYTES} bytes of JSON`, {
        issues: [{ code: "too_big", path: ["data"], message: "too big" }],
      });
    }
    this.checkOpen(p.session);
    const e = await this.writer.append(p.session, p.kind, this.mask(p.data) as typeof p.data);
    this.published(e);
    return { session: e.session, seq: e.seq, ts: e.ts };
  }

  async close(session: string): Promise<ResultOf<"sessions.close">> {
    this.checkOpen(session);
    const e = await this.writer.append(session, "close", {});
    this.open.set(session, false); // only once the close is durable
    this.published(e);
    return { session, seq: e.seq };
  }

  private mask(value: unknown): unknown {
    return maskValue(value, this.secrets, {});
  }

  private checkOpen(session: string): void {
    let isOpen = this.open.get(session);
    if (isOpen === undefined) {
      if (!existsSync(this.writer.pathOf(session))) throw new RpcError("not_found", `no session ${session} on this host`, { session });
      // Only a log session takes appends, and only until it is closed (or archived): a PTY or
      // task session's events come from its process alone.
      isOpen = LOG_APPENDABLE.has(this.writer.lastKindOnDisk(session) ?? "");
      this.open.set(session, isOpen);
    }
    if (!isOpen) throw new RpcError("conflict", `session ${session} is closed, or not a log session`, { session });
  }
}
