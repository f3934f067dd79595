import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class AuditCheckpointCommand extends WardenCommand {
  static override paths = [["audit", "checkpoint"]];
  static override usage = Command.Usage({
    category: "Audit",
    description: "Print a host's latest signed checkpoint of its audit log",
    details: `
      The last note in audit/<host>.checkpoints, in C2SP tlog-checkpoint form: origin (warden/<host>), tree size, base64 root hash, a blank line, and the signature line. --json prints the note with its origin, size, root and key id. Verify it with the key in keys/<host>.audit.pub (warden audit verify does, and more). Reads files only: no daemon is needed. Exits 1 when the host has no checkpoint yet.
    `,
    examples: [
      ["This host's latest checkpoint", "warden audit checkpoint"],
      ["Another host's, as JSON", "warden audit checkpoint --host laptop --json"],
    ],
  });

  host = Option.String("--host", { description: "Another host's checkpoints (synced into $WARDEN_HOME/audit)" });

  async run(): Promise<number> {
    const { resolvePaths, sanitizeHost } = await import("../../../platform/paths.js");
    const { latestCheckpoint } = await import("../../../ledger/audit-prove.js");
    const paths = resolvePaths();
    const c = latestCheckpoint(paths.home, this.host === undefined ? paths.host : sanitizeHost(this.host));
    const { origin, size, root } = c.checkpoint;
    this.print(c.note.trimEnd(), { host: c.host, note: c.note, origin, size, root: root.toString("base64"), keyId: c.keyId });
    return 0;
  }
}
