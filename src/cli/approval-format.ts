// How approval requests and grants read in human output: tables for `approvals list` and
// `grants list`, one line per request for `approvals watch`. The reason was masked by the daemon;
// control characters are still taken out here, so a reason or an executable's name cannot move a
// person's cursor.
import type { ApprovalRequest, Grant } from "../../protocol/index.js";
import { printable, shorten } from "./approval-alerts.js";
import { formatDuration } from "./format.js";
import { table } from "./table.js";

const REASON_MAX = 60;

const ago = (ts: string, now: number) => formatDuration(Math.max(0, now - Date.parse(ts)));
const entry = (x: { vault: string; name: string }) => `${x.vault}/${x.name}`;
const session = (s: string | null) => s ?? "(unknown)";

/** The asking process's executable, or its argv[0] when the daemon could not read the executable (either is the process's to choose: printable only). */
export function peerExe(r: ApprovalRequest): string {
  return printable(r.peer.exe ?? r.peer.argv?.[0] ?? `pid ${r.peer.pid}`);
}

export function requestsTable(requests: readonly ApprovalRequest[], now = Date.now()): string {
  const showState = requests.some((r) => r.state !== "pending");
  return table(requests, [
    { header: "ID", cell: (r) => r.id },
    { header: "AGE", cell: (r) => ago(r.ts, now) },
    ...(showState ? [{ header: "STATE", cell: (r: ApprovalRequest) => r.state }] : []),
    { header: "SESSION", cell: (r) => session(r.session) },
    { header: "ENTRY", cell: entry },
    { header: "SCOPE", cell: (r) => r.scope ?? "-" },
    { header: "PEER", cell: peerExe },
    { header: "REASON", cell: (r) => shorten(r.reason, REASON_MAX) },
  ]);
}

/** What a grant allows, as a person reads it: "one read", "9m 12s left". */
export function grantTerm(g: Grant, now = Date.now()): string {
  if (g.once || g.until === null) return "one read";
  return `${formatDuration(Math.max(0, Date.parse(g.until) - now))} left`;
}

export function grantsTable(grants: readonly Grant[], now = Date.now()): string {
  return table(grants, [
    { header: "ID", cell: (g) => g.id },
    { header: "SESSION", cell: (g) => session(g.session) },
    { header: "ENTRY", cell: entry },
    { header: "TERM", cell: (g) => grantTerm(g, now) },
    { header: "AGE", cell: (g) => ago(g.ts, now) },
    { header: "REQUEST", cell: (g) => g.request },
  ]);
}

/** One line for `approvals watch`: a request asked (or pending when the watch started). */
export function requestLine(r: ApprovalRequest): string {
  const scope = r.scope ? `  scope ${r.scope}` : "";
  return `${r.ts}  pending  ${r.id}  ${entry(r)}  session ${session(r.session)}${scope}  ${peerExe(r)}: ${shorten(r.reason, REASON_MAX)}`;
}

/** One line for `approvals watch`: a request approved, denied or expired. */
export function decisionLine(r: ApprovalRequest, g: Grant | null, now = Date.now()): string {
  const detail = g ? `  grant ${g.id} (${grantTerm(g, now)})` : r.state === "denied" && r.denyReason ? `: ${shorten(r.denyReason, REASON_MAX)}` : "";
  return `${r.decidedAt ?? new Date(now).toISOString()}  ${r.state.padEnd(8)} ${r.id}  ${entry(r)}${detail}`;
}

/** The desktop notification for one request: summary and body, short. */
export function requestNotice(r: ApprovalRequest): { summary: string; body: string } {
  return {
    summary: `warden: ${entry(r)} needs approval`,
    body: `${peerExe(r)}: ${r.reason}  —  warden approve ${r.id}`,
  };
}
