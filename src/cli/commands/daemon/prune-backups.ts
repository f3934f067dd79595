import { Command, Option } from "clipanion";
import { WardenError } from "../../../platform/errors.js";
import { WardenCommand } from "../../base.js";
import { parseCount, parseDuration } from "../../options.js";

export class DaemonPruneBackupsCommand extends WardenCommand {
  static override paths = [["daemon", "prune-backups"]];
  static override usage = Command.Usage({
    category: "Projection",
    description: "Remove old projection backups",
    details:
      "Removes backups under $WARDEN_HOME/run/<host>/backups/ that are neither among the --keep newest nor younger than --older-than (each applies when given; at least one is required). Works with or without a running daemon. --dry-run lists what would go.",
    examples: [
      ["Keep the three newest", "warden daemon prune-backups --keep 3"],
      ["Remove those older than a week", "warden daemon prune-backups --older-than 7d"],
      ["See first", "warden daemon prune-backups --keep 1 --dry-run"],
    ],
  });

  keep = Option.String("--keep", { description: "Keep this many of the newest backups (0 or more)" });
  olderThan = Option.String("--older-than", { description: "Only remove backups older than this (a duration: 30m, 12h, 7d)" });
  dryRun = Option.Boolean("--dry-run", false, { description: "List what would be removed; remove nothing" });

  async run(): Promise<number> {
    if (this.keep === undefined && this.olderThan === undefined) throw new WardenError("usage", "give --keep N, --older-than D, or both", { option: "--keep" });
    const keep = this.keep === undefined ? undefined : parseCount(this.keep, "--keep", 0, 1_000_000);
    const olderThanMs = this.olderThan === undefined ? undefined : parseDuration(this.olderThan, "--older-than");
    const { resolvePaths } = await import("../../../platform/paths.js");
    const { pruneBackups } = await import("../../../projection/prune-backups.js");
    const r = pruneBackups(resolvePaths().backups, { keep, olderThanMs, dryRun: this.dryRun });
    const verb = r.dryRun ? "would remove" : "removed";
    const lines = r.removed.map((b) => `${verb} ${b.createdAt}  ${b.file}`);
    lines.push(`${verb} ${r.removed.length} backup(s), ${(r.freedBytes / 1048576).toFixed(1)} MiB; ${r.kept.length} kept`);
    this.print(lines.join("\n"), r);
    return 0;
  }
}
