import { Command, Option } from "clipanion";
import { WardenCommand } from "../base.js";

export class StatusCommand extends WardenCommand {
  static override paths = [["status"]];
  static override usage = Command.Usage({
    description: "What warden holds: daemon state, sessions, events, audit records",
    details: "Counts from the daemon's projection; with --no-daemon (or no daemon running) from the projection file, or the source files when it is missing.",
    examples: [["Status", "warden status"]],
  });

  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { describeDaemon } = await import("../../control/lifecycle.js");
    const { directMode } = await import("../actions/get.js");
    const d = directMode(this.noDaemon) ? null : await describeDaemon();
    let counts: { sessions: number; events: number; audit: number; approvals: number };
    let from: string;
    const live = d?.status?.projection;
    if (live) {
      const { state, ...rest } = live;
      counts = rest;
      from = `the daemon (projection ${state})`;
    } else {
      const { withDirectReads } = await import("../direct-reads.js");
      const { counts: countRows } = await import("../../projection/read.js");
      [counts, from] = withDirectReads((db, source): [typeof counts, string] => [
        countRows(db),
        source === "projection" ? "the projection file" : "the source files",
      ]);
    }
    const daemon = d ? d.state : "not asked (--no-daemon)";
    const human = [`daemon    ${daemon}`, `sessions  ${counts.sessions}`, `events    ${counts.events}`, `audit     ${counts.audit}`, `read from ${from}`].join(
      "\n",
    );
    this.print(human, { daemon, ...counts, from });
    return 0;
  }
}
