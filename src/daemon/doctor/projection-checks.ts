// Doctor's checks of the projection and of the source files it is built from.
import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { scanLines } from "../../ledger/jsonl.js";
import { listBackupFiles } from "../../projection/files.js";
import { parseSourceLine } from "../../projection/rows.js";
import { SCHEMA_VERSION } from "../../projection/schema.js";
import { discoverSources } from "../../sync/discover.js";
import type { CheckResult, DoctorContext } from "./types.js";
import type { RepairAction } from "./types.js";

function repairs(ctx: DoctorContext): RepairAction[] {
  const running = "status" in ctx.daemon;
  const actions: RepairAction[] = [
    running
      ? {
          id: "daemon_rebuild",
          risk: "runtime_only",
          command: "warden daemon rebuild --surface all",
          explanation: "Rebuild the projection from the sources, live; source stores are not modified.",
        }
      : {
          id: "daemon_rebuild_reset_storage",
          risk: "runtime_only",
          command: "warden daemon rebuild --reset-storage",
          explanation: "Reset and replay the projection from the sources (daemon stopped); source stores are not modified.",
        },
  ];
  const latest = listBackupFiles(ctx.paths.backups)[0];
  if (latest) {
    actions.push({
      id: "restore_latest_backup",
      risk: "runtime_only",
      command: `warden daemon restore ${latest.file}${running ? " --live-recovery" : ""}`,
      explanation: "Roll the projection back to the latest backup, then catch it up from the sources; prefer rebuild when the sources are healthy.",
    });
  }
  return actions;
}

export function checkProjection(ctx: DoctorContext): CheckResult {
  const name = "projection_db";
  const path = ctx.paths.projection;
  const degraded = (message: string): CheckResult => ({ check: { name, state: "degraded", message }, actions: repairs(ctx) });
  // The running daemon knows best: while it rebuilds, the file at the path is the new, partial one.
  const live = "status" in ctx.daemon ? ctx.daemon.status.projection?.state : undefined;
  if (live === "rebuilding") return { check: { name, state: "rebuilding", message: `${path} is being rebuilt from the sources by the daemon` }, actions: [] };
  if (live === "degraded")
    return degraded(`the daemon reports ${path} degraded (damaged or missing at start, or an apply failed); it catches up or rebuilds from the sources`);
  if (!statSync(path, { throwIfNoEntry: false })) {
    if (discoverSources(ctx.paths.home).length === 0)
      return { check: { name, state: "ok", message: "no projection yet, and no sources to build one from" }, actions: [] };
    return degraded(`${path} is missing; sources are intact and it can be rebuilt`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const integrity = db.pragma("quick_check", { simple: true });
    if (integrity !== "ok") return degraded(`${path} fails its integrity check: ${String(integrity)}`);
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version !== SCHEMA_VERSION) return degraded(`${path} has schema version ${version}, expected ${SCHEMA_VERSION}`);
    const marks = new Map((db.prepare("SELECT path, offset FROM watermarks").all() as Array<{ path: string; offset: number }>).map((w) => [w.path, w.offset]));
    const behind = discoverSources(ctx.paths.home).filter((s) => (statSync(s.path, { throwIfNoEntry: false })?.size ?? 0) > (marks.get(s.rel) ?? 0));
    const gaps = behind.length
      ? `; ${behind.length} source file(s) hold data past their watermark (${"status" in ctx.daemon ? "being applied" : "replayed when the daemon starts"})`
      : "";
    return { check: { name, state: "ok", message: `${path}: integrity ok, schema ${version}, ${marks.size} watermark(s)${gaps}` }, actions: [] };
  } catch (err) {
    return degraded(`${path} cannot be read as a projection: ${(err as Error).message}`);
  } finally {
    db?.close();
  }
}

export function checkSourceExports(ctx: DoctorContext): CheckResult {
  const name = "source_exports";
  const problems: string[] = [];
  let files = 0;
  for (const source of discoverSources(ctx.paths.home)) {
    files++;
    const scan = scanLines(source.path, 0, (text, _end, line) => {
      if (!parseSourceLine(source, text)) problems.push(`${source.rel} line ${line}: not a valid record`);
    });
    if (scan.tornBytes > 0)
      problems.push(`${source.rel} line ${scan.lines + 1}: torn last line (${scan.tornBytes} bytes; a crash mid-append, ignored until completed)`);
  }
  if (problems.length === 0) return { check: { name, state: "ok", message: `${files} source file(s), every line a valid record` }, actions: [] };
  const shown = problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : "");
  return {
    check: { name, state: "degraded", message: shown },
    actions: [
      {
        id: "inspect_source",
        risk: "requires_manual_review",
        command: "warden daemon diff --surface all",
        explanation:
          "Look at the named lines; repair the source file by hand if it is this host's, then rebuild and verify. Other hosts' files come from sync: fix them there.",
      },
    ],
  };
}
