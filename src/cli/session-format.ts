// How sessions read in human output: state with how it ended, liveness, argv as a shell would take it.
import type { ResultOf } from "../../protocol/index.js";
import { formatDuration } from "./format.js";
import { table } from "./table.js";

type Session = ResultOf<"sessions.get">;

/** "running", "exited 3", "exited SIGTERM", "failed", "open", … */
export function stateText(s: Session): string {
  const exit = s.process?.exit;
  if (!exit || exit.status === "failed") return s.state;
  return `${s.state} ${exit.signal ?? exit.code ?? ""}`.trim();
}

/** live: the process runs now; gone: it is recorded running but is not; "-": not known (log sessions, other hosts, no daemon). */
export function liveText(s: Session): string {
  if (s.live === true) return "live";
  if (s.live === false && s.state === "running") return "gone";
  return "-";
}

/** Sessions as a table with a header row; UPDATED is how long ago, as a person reads it. */
export function sessionsTable(sessions: readonly Session[], now = Date.now()): string {
  return table(sessions, [
    { header: "ID", cell: (s) => s.id },
    { header: "STATE", cell: stateText },
    { header: "LIVE", cell: liveText },
    { header: "KIND", cell: (s) => (s.source === "warden" ? s.kind : s.source) }, // imported transcripts: the tool they came from
    { header: "HOST", cell: (s) => s.host },
    { header: "UPDATED", cell: (s) => `${formatDuration(Math.max(0, now - Date.parse(s.updatedAt)))} ago` },
    { header: "TITLE", cell: (s) => (s.title ?? "") + (s.archived ? " [archived]" : "") + (s.sourceMissing ? " [source file gone]" : "") },
  ]);
}

/** argv quoted where a shell would need it. */
export function shellWords(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** sessions get: every field a person asks about, process details for PTY and task sessions. */
export function sessionDetails(s: Session): string {
  const lines = [
    `${s.id}  ${s.kind} on ${s.host}: ${stateText(s)}${s.archived ? " (archived)" : ""}`,
    `title    ${s.title ?? ""}`,
    `created  ${s.createdAt}`,
    `updated  ${s.updatedAt}`,
    `events   ${s.lastSeq}`,
  ];
  const p = s.process;
  if (p) {
    lines.push(`mode     ${p.mode}${p.harness ? ` (harness ${p.harness})` : ""}`, `argv     ${shellWords(p.argv)}`, `cwd      ${p.cwd}`);
    const live = s.live === true ? "running" : s.live === false ? "not running" : "liveness unknown";
    lines.push(`pid      ${p.pid ?? "-"} (${live})`);
    if (p.exit) {
      const how = p.exit.status === "failed" ? "failed" : p.exit.signal ? `signal ${p.exit.signal}` : `code ${p.exit.code ?? "unknown"}`;
      lines.push(`exit     ${how}${p.exit.reason ? ` (${p.exit.reason})` : ""}`);
    }
  }
  if (s.credentials) lines.push(...credentialLines(s.credentials));
  return lines.join("\n");
}

/** A session's credential scope, as `sessions get` and `sessions scope` print it. */
export function credentialLines(c: NonNullable<Session["credentials"]>): string[] {
  const none = "(none: its agent reads nothing without approval)";
  return [`scopes   ${c.scopes.join(", ") || (c.allow.length === 0 ? none : "-")}`, `allow    ${c.allow.join(", ") || "-"}`];
}
