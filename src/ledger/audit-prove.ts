// `warden audit checkpoint` and `warden audit prove`: a host's latest signed checkpoint, and an
// RFC 9162 inclusion proof of one record against it, checked before it is handed out (the
// checkpoint's signature by the key of its epoch, its root against the log, the proof against
// the root). Files only, like audit-verify.ts.
import { WardenError } from "../platform/errors.js";
import type { AuditRecord } from "./audit-log.js";
import { auditFilesOf, epochAt, epochOf, type KeyEpoch, lastCheckpointLine, readCheckpointNote, signedBy } from "./audit-keys.js";
import { CapturingTree, inclusionRanges, scanLeaves } from "./audit-tree.js";
import { verifyInclusion } from "./merkle.js";
import type { Checkpoint } from "./signed-note.js";
import { parseVerifierKey } from "./signed-note.js";

export interface LatestCheckpoint {
  host: string;
  file: string;
  line: number;
  note: string;
  checkpoint: Checkpoint;
  /** Hex key id of its `warden/<host>` signature. */
  keyId: string;
}

/** The last checkpoint in audit/<host>.checkpoints, parsed (not verified). */
export function latestCheckpoint(home: string, host: string): LatestCheckpoint {
  const file = auditFilesOf(home, host).checkpoints;
  const last = lastCheckpointLine(file);
  if (!last) {
    throw new WardenError("not_found", `no checkpoint of ${host}'s audit log yet (${file}): the daemon signs one within a second of new records`, {
      host,
      file,
    });
  }
  const read = readCheckpointNote(last.note, host);
  if ("problem" in read) throw new WardenError("audit_invalid", `${file} line ${last.line}: ${read.reason}`, { host, file, line: last.line });
  return { host, file, line: last.line, note: last.note!, ...read };
}

export interface InclusionProof {
  host: string;
  seq: number;
  /** The record's line, exactly: its leaf hash is SHA-256(0x00 || these bytes). */
  record: string;
  leafIndex: number;
  treeSize: number;
  /** Base64, as in the checkpoint. */
  root: string;
  proof: string[];
  checkpoint: string;
  /** The verifier key the checkpoint was checked with (its epoch's). */
  key: string;
}

/** The inclusion proof of record `seq` (1-based) of `host`'s log against its latest checkpoint, verified. */
export function proveRecord(home: string, host: string, seq: number): InclusionProof {
  const latest = latestCheckpoint(home, host);
  const size = latest.checkpoint.size;
  const index = seq - 1;
  const invalid = (reason: string) => new WardenError("audit_invalid", `${host}: ${reason}; run \`warden audit verify --host ${host}\``, { host, seq });
  if (!Number.isInteger(seq) || seq < 1 || seq > size) {
    throw new WardenError(
      "not_found",
      `no record ${seq} under ${host}'s latest checkpoint (it covers records 1 to ${size}; a newer record is covered by the next)`,
      {
        host,
        seq,
        treeSize: size,
      },
    );
  }
  const ranges = inclusionRanges(index, size);
  const tree = new CapturingTree([...ranges, [index, index + 1], [0, size]]);
  const epochs: KeyEpoch[] = [];
  let record = "";
  let badEpoch = "";
  const files = auditFilesOf(home, host);
  scanLeaves(
    files.log,
    tree,
    (bytes, i) => {
      if (i === index) record = bytes.toString("utf8");
      if (badEpoch || bytes.indexOf("audit_key") < 0) return;
      let r: AuditRecord;
      try {
        r = JSON.parse(bytes.toString("utf8")) as AuditRecord;
      } catch {
        return;
      }
      if (r.action !== "audit_key") return;
      const e = epochOf(r, host, epochs.at(-1));
      if (typeof e === "string") badEpoch = `seq ${r.seq}: ${e}`;
      else epochs.push(e);
    },
    size,
  );
  if (tree.size < size) throw invalid(`the latest checkpoint covers ${size} records, the log has ${tree.size}`);
  if (badEpoch) throw invalid(badEpoch);
  const epoch = epochAt(epochs, size);
  if (!epoch || !signedBy(latest.note, parseVerifierKey(epoch.key)!)) throw invalid("the latest checkpoint is not signed by the key of its epoch");
  const root = latest.checkpoint.root;
  if (!root.equals(tree.hashOf([0, size])!)) throw invalid(`the latest checkpoint's root is not the root of the log's first ${size} records`);
  const proof = tree.proof(ranges)!;
  if (!verifyInclusion(tree.hashOf([index, index + 1])!, index, size, proof, root)) throw invalid("the inclusion proof does not verify");
  return {
    host,
    seq,
    record,
    leafIndex: index,
    treeSize: size,
    root: root.toString("base64"),
    proof: proof.map((h) => h.toString("base64")),
    checkpoint: latest.note,
    key: epoch.key,
  };
}
