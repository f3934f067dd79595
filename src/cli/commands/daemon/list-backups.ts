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
    const { resolvePaths } = await import("../../../platform/paths.js");
    const { listBackupFiles } = await import("../../../projection/files.js");
    const backups = listBackupFiles(resolvePaths().backups); // read from the run root: works with no daemon too
    const { formatBytes } = await import("../../format.js");
    const { table } = await import("../../table.js");
    const rows = table(backups, [
      { header: "CREATED", cell: (b) => b.createdAt },
      { header: "SIZE", cell: (b) => formatBytes(b.bytes), align: "right" },
      { header: "FILE", cell: (b) => b.file },
    ]);
    this.print(backups.length ? rows : "no backups", { backups });
    return 0;
  }
}
