import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import type { PostgresSink, PushOptions, PushResult } from "../../../sync/sinks/postgres.js";
import type { PushSource } from "../../../sync/sinks/projection-source.js";
import { WardenCommand } from "../../base.js";
import { formatDuration } from "../../format.js";
import { parseCount } from "../../options.js";
import { EXIT_FAILURE, EXIT_NOT_RUNNING, reportError } from "../../report.js";

export class SyncPushCommand extends WardenCommand {
  static override paths = [["sync", "push"]];
  static override usage = Command.Usage({
    category: "Sync",
    description: "Push sessions and events to PostgreSQL",
    details: `
      One-way and idempotent: warden creates (and migrates) its tables in the target database (warden_sessions, warden_events, warden_schema_version), then sends per session only what changed since the last push — a re-push of unchanged data writes nothing. Everything sent is masked: the projection holds masked data only, and event data read back from a ledger line is masked again on the way out. Sessions are never deleted from PostgreSQL.

      Reads the projection file directly (no daemon needed; a running one keeps it current). With no daemon running and source files ahead of the projection, a private in-memory copy is caught up first.

      The URL comes from --to or WARDEN_SINK_URL; its password is never printed. With --watch, pushes again whenever the projection changes (checked every --interval-ms), printing a line per push that wrote something, until Ctrl-C; while PostgreSQL is unreachable it says so and retries with backoff, then resumes.

      Exit status: 0 when everything was pushed, 1 when PostgreSQL is unreachable or refused (or some sessions failed: they are listed), 2 for a malformed URL or option.
    `,
    examples: [
      ["Push once", "warden sync push --to postgres://warden@db.example:5432/team"],
      ["Keep pushing as sessions change", "WARDEN_SINK_URL=postgres://warden@db/team warden sync push --watch"],
      ["As JSON", "warden sync push --to postgres://warden@db/team --json"],
    ],
  });

  to = Option.String("--to", { description: "postgres://user[:password]@host[:port]/database (default: $WARDEN_SINK_URL)" });
  watch = Option.Boolean("--watch", false, { description: "Keep pushing whenever the projection changes, until Ctrl-C" });
  intervalMs = Option.String("--interval-ms", "2000", { description: "With --watch: how often to check for changes (100-3600000)" });
  connectTimeoutMs = Option.String("--connect-timeout-ms", "10000", { description: "Give up connecting after this long (100-600000)" });
  host = Option.String("--host", { description: "Only this host's sessions" });

  async run(): Promise<number> {
    try {
      return await this.push();
    } catch (err) {
      // PostgreSQL being unreachable is a failure (1), not "no daemon running" (3).
      const code = reportError(this.io, err);
      return code === EXIT_NOT_RUNNING ? EXIT_FAILURE : code;
    }
  }

  private async push(): Promise<number> {
    const url = this.to ?? process.env.WARDEN_SINK_URL;
    if (!url) throw new WardenError("usage", "no PostgreSQL URL: give --to postgres://… or set WARDEN_SINK_URL", { option: "--to" });
    const interval = parseCount(this.intervalMs, "--interval-ms", 100, 3_600_000);
    const connectTimeoutMs = parseCount(this.connectTimeoutMs, "--connect-timeout-ms", 100, 600_000);
    const { PostgresSink } = await import("../../../sync/sinks/postgres.js");
    const { RpcError } = await import("../../../rpc/errors.js");
    let sink: PostgresSink;
    try {
      sink = PostgresSink.create(url, { connectTimeoutMs });
    } catch (err) {
      if (err instanceof RpcError && err.kind === "invalid_params") throw new WardenError("usage", `--to: ${err.message}`, { option: "--to" });
      throw err;
    }
    const { resolvePaths } = await import("../../../platform/paths.js");
    const { PushSource } = await import("../../../sync/sinks/projection-source.js");
    const paths = resolvePaths();
    const source = new PushSource(paths);
    const opts: PushOptions = { home: paths.home, onlyHost: this.host };
    try {
      if (this.watch) return await this.watchLoop(sink, source, opts, interval);
      const from: { v: "projection" | "sources" } = { v: "projection" };
      const r = await source.use((db, f) => {
        from.v = f;
        return sink.push(db, opts);
      });
      this.print(summary(sink.target, r), { target: sink.target, from: from.v, ...r });
      return r.failedSessions > 0 ? EXIT_FAILURE : 0;
    } finally {
      source.close();
      await sink.close();
    }
  }

  private async watchLoop(sink: PostgresSink, source: PushSource, opts: PushOptions, intervalMs: number): Promise<number> {
    const { watchPush } = await import("../../../sync/sinks/watch.js");
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const out = this.context.stdout;
    const err = this.context.stderr;
    const line = (data: object) => out.write(JSON.stringify({ ts: new Date().toISOString(), ...data }) + "\n");
    if (!this.json) err.write(`warden: pushing to ${sink.target} whenever the projection changes (Ctrl-C stops)\n`);
    try {
      await watchPush(sink, source, opts, {
        intervalMs,
        signal: stop.signal,
        onPush: (r, from) => {
          const wrote = r.pushedSessions + r.failedSessions > 0;
          if (!wrote) return;
          if (this.json) line({ target: sink.target, from, ...r });
          else out.write(`${new Date().toISOString()} ${summary(sink.target, r)}\n`);
        },
        onError: (e, attempt, retryInMs) => {
          if (this.json) line({ error: { ...e.details, kind: e.kind, message: e.message }, attempt, retryInMs });
          else err.write(`warden: ${e.message}; retrying in ${formatDuration(retryInMs)}\n`);
        },
        onRecovered: (failed) => {
          if (this.json) line({ recovered: true, failedAttempts: failed });
          else err.write(`warden: ${sink.target} is reachable again; resumed\n`);
        },
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    return 0;
  }
}

function summary(target: string, r: PushResult): string {
  const secs = formatDuration(r.durationMs);
  const failed =
    r.failures.map((f) => `\n  failed: ${f.host}/${f.session}: ${f.message}`).join("") +
    (r.checkpointConflicts
      ? `\n  ${r.checkpointConflicts} audit checkpoint(s) differ from the ones PostgreSQL holds for the same size: an audit log was rewritten`
      : "");
  if (r.pushedSessions === 0 && r.failedSessions === 0) return `${target}: up to date (${r.sessions} sessions unchanged, ${secs})`;
  return (
    `${target}: pushed ${r.pushedSessions} of ${r.sessions} sessions — ${r.insertedRows} events inserted, ${r.updatedRows} updated, ${r.deletedRows} deleted; ` +
    `${r.unchangedSessions} unchanged${r.failedSessions ? `, ${r.failedSessions} failed` : ""}${r.masked ? `; ${r.masked} secrets masked on the way out` : ""} (${secs})${failed}`
  );
}
