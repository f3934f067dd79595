// The daemon's configured sinks (config `sinks`): each pushes the projection to its PostgreSQL,
// one way, at most every intervalMs and only when the projection changed since the last push.
// Pushes read through their own read-only connection (reopened when a rebuild or restore swaps
// the file), so the writer never waits on the network. An unreachable server is reported in
// sync.status and retried on the next tick; nothing is lost meanwhile — PostgreSQL catches up from
// the projection.
import { statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ResultOf } from "../../../protocol/index.js";
import type { Config } from "../../platform/config.js";
import type { Logger } from "../../platform/log.js";
import type { SecretValues } from "../../masking/secret-values.js";
import { PostgresSink, type PushResult } from "./postgres.js";

type SinkStatus = ResultOf<"sync.status">["sinks"][number];

interface Running {
  name: string;
  sink: PostgresSink | null;
  /** Why the sink cannot run at all (no URL in its environment variable, a malformed URL). */
  broken: string | null;
  intervalMs: number;
  timer: NodeJS.Timeout | null;
  db: Database.Database | null;
  ino: number;
  /** The projection's data_version and this host's checkpoints file size when last pushed. */
  pushedVersion: string | null;
  pushing: Promise<void> | null;
  status: SinkStatus;
}

export class SinkRunner {
  private readonly sinks: Running[];
  private closed = false;

  constructor(
    config: Config["sinks"],
    env: NodeJS.ProcessEnv,
    private readonly o: { projectionPath: string; home: string; host: string; secrets: SecretValues; log: Logger },
  ) {
    this.sinks = config.map((c) => {
      const url = c.url ?? env[c.urlEnv!];
      let sink: PostgresSink | null = null;
      let broken: string | null = null;
      try {
        if (!url) throw new Error(`environment variable ${c.urlEnv} is not set`);
        sink = PostgresSink.create(url);
      } catch (err) {
        broken = (err as Error).message;
      }
      const status: SinkStatus = { name: c.name, target: sink?.target ?? "(none)", lastPushAt: null, lastResult: null, lastError: broken };
      return { name: c.name, sink, broken, intervalMs: c.intervalMs, timer: null, db: null, ino: 0, pushedVersion: null, pushing: null, status };
    });
  }

  start(): void {
    for (const s of this.sinks) {
      if (s.broken) this.o.log.error(`sink ${s.name} cannot run: ${s.broken}`, { event: "sink_broken", sink: s.name });
      else this.tick(s, 0);
    }
  }

  statuses(): SinkStatus[] {
    return this.sinks.map((s) => ({ ...s.status }));
  }

  private tick(s: Running, ms: number): void {
    if (this.closed) return;
    s.timer = setTimeout(() => {
      s.pushing = this.pushIfChanged(s).finally(() => {
        s.pushing = null;
        this.tick(s, s.intervalMs);
      });
    }, ms);
    s.timer.unref();
  }

  /** The sink's read connection to the projection, reopened when the file was replaced. */
  private connection(s: Running): Database.Database {
    const ino = statSync(this.o.projectionPath).ino;
    if (!s.db || s.ino !== ino) {
      s.db?.close();
      s.db = new Database(this.o.projectionPath, { readonly: true, fileMustExist: true });
      s.db.pragma("busy_timeout = 5000");
      s.ino = ino;
      s.pushedVersion = null;
    }
    return s.db;
  }

  private async pushIfChanged(s: Running): Promise<void> {
    try {
      const db = this.connection(s);
      // Checkpoints are written after the records they sign: a new one alone is a change to push.
      const checkpoints = statSync(join(this.o.home, "audit", `${this.o.host}.checkpoints`), { throwIfNoEntry: false })?.size ?? 0;
      const version = `${db.pragma("data_version", { simple: true }) as number}|${checkpoints}`;
      if (version === s.pushedVersion && s.status.lastError === null) return;
      const r: PushResult = await s.sink!.push(db, { home: this.o.home, secrets: this.o.secrets, onlyHost: this.o.host });
      s.pushedVersion = version;
      s.status.lastPushAt = new Date().toISOString();
      const { failures, ...counts } = r;
      s.status.lastResult = counts;
      s.status.lastError = failures.length ? `${failures.length} session(s) not pushed, e.g. ${failures[0]!.session}: ${failures[0]!.message}` : null;
      if (r.checkpointConflicts > 0) {
        this.o.log.warn(
          `sink ${s.name}: PostgreSQL holds other checkpoints for ${r.checkpointConflicts} of this host's tree sizes: the audit log was rewritten`,
          {
            event: "sink_checkpoint_conflict",
            sink: s.name,
            conflicts: r.checkpointConflicts,
          },
        );
      }
      if (r.pushedSessions > 0 || failures.length) {
        this.o.log.info(`sink ${s.name}: pushed ${r.pushedSessions} sessions`, { event: "sink_pushed", sink: s.name, ...counts, failed: failures.length });
      }
    } catch (err) {
      const message = (err as Error).message;
      if (s.status.lastError !== message) this.o.log.warn(`sink ${s.name}: ${message}`, { event: "sink_failed", sink: s.name });
      s.status.lastError = message;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sinks) {
      if (s.timer) clearTimeout(s.timer);
      await s.pushing;
      await s.sink?.close().catch(() => {});
      s.db?.close();
    }
  }
}
