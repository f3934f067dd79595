import { Command } from "clipanion";
import { WardenCommand } from "../../base.js";

export class DaemonListBackupsCommand extends WardenCommand {
  static override paths = [["daemon", "list-backups"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "List projection backups, newest first",
    examples: [["List", "warden daemon list-backups"]],
  });

  async run(): Promise<number> {
    const { resolvePaths } = await import("../../../daemon/paths.js");
    const { listBackupFiles } = await import("../../../projection/files.js");
    const backups = listBackupFiles(resolvePaths().backups); // read from the run root: works with no daemon too
    this.print(backups.length ? backups.map((b) => `${b.createdAt}  ${String(b.bytes).padStart(10)}  ${b.file}`).join("\n") : "no backups", { backups });
    return 0;
  }
}
