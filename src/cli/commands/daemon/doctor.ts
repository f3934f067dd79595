import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class DaemonDoctorCommand extends WardenCommand {
  static override paths = [["daemon", "doctor"]];
  static override usage = Command.Usage({
    category: "Daemon",
    description: "Diagnose the daemon and its files, and name the safe repairs",
    details: `
      Checks that the daemon answers; the socket (a socket, 0600, ours); WARDEN_HOME and the run root (directories, ours, 0700); the lock (stale, or written by another host); config.json; free disk.

      Every repair action has a risk: \`read_only\`, \`runtime_only\` (touches only $WARDEN_HOME/run/<host>) or \`requires_manual_review\`. \`--fix\` applies the runtime_only ones (stale socket, stale lock, run root modes, starting a stopped daemon) and checks again. A host conflict is never repaired automatically.

      Exits 0 only when healthy.
    `,
    examples: [
      ["Diagnose", "warden daemon doctor"],
      ["Apply the runtime-only repairs", "warden daemon doctor --fix"],
      ["Remove only a stale lock", "warden daemon doctor --repair-stale-lock"],
      ["For automation", "warden daemon doctor --json"],
    ],
  });

  fix = Option.Boolean("--fix", false, { description: "Apply runtime_only repairs, then check again" });
  repairStaleLock = Option.Boolean("--repair-stale-lock", false, { description: "Remove a stale same-host lock (and nothing else)" });

  async run(): Promise<number> {
    const { runDoctor } = await import("../../../daemon/doctor/doctor.js");
    const { applyRepairs } = await import("../../../daemon/doctor/repairs.js");
    const { resolvePaths } = await import("../../../platform/paths.js");
    let report = await runDoctor();
    let fixed: Awaited<ReturnType<typeof applyRepairs>> | undefined;
    if (this.fix || this.repairStaleLock) {
      fixed = await applyRepairs(report.repair_actions, this.fix ? null : ["remove_stale_lock"], resolvePaths(), process.env);
      report = await runDoctor();
    }
    this.print(render(report, fixed), fixed ? { ...report, fixed } : report);
    return report.doctor.state === "healthy" ? 0 : 1;
  }
}

type Report = Awaited<ReturnType<typeof import("../../../daemon/doctor/doctor.js").runDoctor>>;

function render(report: Report, fixed?: Array<{ id: string; ok: boolean; message: string }>): string {
  const out: string[] = [];
  if (fixed) {
    out.push(fixed.length ? "repairs applied:" : "no runtime_only repairs to apply");
    for (const f of fixed) out.push(`  ${f.ok ? "done  " : "FAILED"}  ${f.id}: ${f.message}`);
    out.push("");
  }
  out.push(`warden doctor: ${report.doctor.state}`);
  for (const c of report.doctor.checks) out.push(`  ${c.state.padEnd(10)} ${c.name.padEnd(9)} ${c.message}`);
  if (report.repair_actions.length) {
    out.push("", "repair actions:");
    for (const a of report.repair_actions) out.push(`  ${a.id} [${a.risk}]`, `      $ ${a.command}`, `      ${a.explanation}`);
  }
  return out.join("\n");
}
