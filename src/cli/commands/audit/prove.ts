import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

export class AuditProveCommand extends WardenCommand {
  static override paths = [["audit", "prove"]];
  static override usage = Command.Usage({
    category: "Audit",
    description: "Print an inclusion proof of one audit record against the latest signed checkpoint",
    details: `
      Proves that record <seq> of a host's audit log (line <seq> of audit/<host>.jsonl) is in the Merkle tree (RFC 9162) whose root the host's latest checkpoint signs. Prints the leaf index, the tree size, the root, the proof's hashes (base64, from the leaf up) and the checkpoint note; --json adds the record's exact line (its leaf hash is SHA-256 of a 0x00 byte and that line).

      Before printing, the checkpoint's signature is checked against the key of its epoch, its root against the log, and the proof against the root. Reads files only: no daemon is needed. A record newer than the latest checkpoint is covered by the next one (the daemon signs one within a second). Exits 1 when there is no such record or checkpoint, or when they do not verify.
    `,
    examples: [
      ["Prove record 42 of this host's log", "warden audit prove 42"],
      ["Another host's record, as JSON", "warden audit prove 7 --host laptop --json"],
    ],
  });

  seq = Option.String({ name: "seq" });
  host = Option.String("--host", { description: "Another host's log (synced into $WARDEN_HOME/audit)" });

  async run(): Promise<number> {
    const { resolvePaths, sanitizeHost } = await import("../../../platform/paths.js");
    const { proveRecord } = await import("../../../ledger/audit-prove.js");
    const { parseCount } = await import("../../options.js");
    const paths = resolvePaths();
    const seq = parseCount(this.seq, "<seq>", 1, Number.MAX_SAFE_INTEGER);
    const p = proveRecord(paths.home, this.host === undefined ? paths.host : sanitizeHost(this.host), seq);
    const human = [
      `record ${p.seq} of ${p.host} is leaf ${p.leafIndex} of the tree of ${p.treeSize} signed by its latest checkpoint (verified)`,
      `root: ${p.root}`,
      `proof (${p.proof.length} hash(es), from the leaf up):`,
      ...p.proof.map((h) => `  ${h}`),
      "checkpoint:",
      p.checkpoint.trimEnd(),
    ].join("\n");
    this.print(human, p);
    return 0;
  }
}
