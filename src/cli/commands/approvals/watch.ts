import { Command } from "clipanion";
import type { ApprovalRequest, Grant } from "../../../../protocol/index.js";
import { WardenCommand } from "../../base.js";

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export class ApprovalsWatchCommand extends WardenCommand {
  static override paths = [["approvals", "watch"]];
  static override usage = Command.Usage({
    category: "Approvals",
    description: "Print approval requests as they come, with a bell and a desktop notification",
    details: `
      First the requests pending now, then each new one as an agent's read makes it, one line each: time, \`pending\`, id, entry (vault/name), session, declared scope, the asking process's executable and its reason (masked by the daemon). A line follows when a request is approved, denied or expires. Decide from another terminal with \`warden approve <id>\` or \`warden deny <id>\`.

      For each new request (and once for those pending at the start) the terminal bell rings when stdout is a terminal, and \`notify-send\` shows a desktop notification when it is on PATH (run directly, never through a shell; only the entry, the executable, the masked reason and the id, cut short).

      Runs until Ctrl-C (or SIGTERM, SIGHUP), exit 0; when the daemon stops, it says so on stderr and exits 0 too. With --json, one JSON object per line (NDJSON): {kind: "pending" | "requested" | "decided", request, grant} (grant only for decided: the grant an approval made, or null).
    `,
    examples: [
      ["Keep it open in a terminal", "warden approvals watch"],
      ["As NDJSON, for a script", "warden approvals watch --json"],
    ],
  });

  async run(): Promise<number> {
    const { connectDaemon } = await import("../../session-stream.js");
    const { decisionLine, requestLine, requestNotice } = await import("../../approval-format.js");
    const { alerts, findNotifySend } = await import("../../approval-alerts.js");
    const out = this.context.stdout;
    const attention = alerts(out, findNotifySend());
    const show = (kind: "pending" | "requested" | "decided", request: ApprovalRequest, grant?: Grant | null) =>
      out.write(
        (this.json
          ? JSON.stringify({ kind, request, ...(kind === "decided" ? { grant: grant ?? null } : {}) })
          : kind === "decided"
            ? decisionLine(request, grant ?? null)
            : requestLine(request)) + "\n",
      );
    const alert = (r: ApprovalRequest, more = 0) => {
      const n = requestNotice(r);
      attention.alert(more > 0 ? `${n.summary} (and ${more} more)` : n.summary, n.body);
    };

    const client = await connectDaemon();
    const printed = new Set<string>();
    // Until the pending list is in, notifications wait: a decision never shows before its request.
    let queue: Array<() => void> | null = [];
    const later = (f: () => void) => (queue ? queue.push(f) : f());
    client.onNotification("approvals.requested", ({ request }) =>
      later(() => {
        if (printed.has(request.id)) return;
        printed.add(request.id);
        show("requested", request);
        alert(request);
      }),
    );
    client.onNotification("approvals.decided", ({ request, grant }) =>
      later(() => {
        printed.delete(request.id); // decided once and for all: a long watch keeps no ids it needs no more
        show("decided", request, grant);
      }),
    );

    return new Promise<number>((resolve, reject) => {
      let stopping = false;
      const stop = () => {
        stopping = true;
        client.close();
      };
      for (const s of STOP_SIGNALS) process.once(s, stop);
      client.onClose(() => {
        for (const s of STOP_SIGNALS) process.off(s, stop);
        if (!stopping) this.context.stderr.write("warden: the daemon stopped; no more requests to watch\n");
        resolve(0);
      });
      client.call("approvals.subscribe", {}).then(
        ({ pending }) => {
          const fresh = pending.filter((r) => !printed.has(r.id));
          for (const r of fresh) {
            printed.add(r.id);
            show("pending", r);
          }
          if (fresh.length > 0) alert(fresh.at(-1)!, fresh.length - 1);
          const waiting = queue!;
          queue = null;
          for (const f of waiting) f();
        },
        (err: Error) => {
          stopping = true;
          client.close();
          reject(err);
        },
      );
    });
  }
}
