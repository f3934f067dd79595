// Offline verification of a host's audit log (issue 14): the hash chain (audit-read.ts), every
// leaf of its Merkle tree, every signed checkpoint (key of its epoch, origin, root, sizes that
// never shrink, an RFC 9162 consistency proof from the one before), the published and held keys,
// and every witness record other hosts' logs keep about it. Files only: no daemon is needed, and
// another machine with the synced files and keys/*.pub checks the same way.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { AuditRecord } from "./audit-log.js";
import { type ChainBreak, verifyAuditChain } from "./audit-read.js";
import {
  auditFilesOf,
  epochAt,
  epochOf,
  heldSigningKey,
  type KeyEpoch,
  readCheckpointLines,
  readCheckpointNote,
  readPublishedKey,
  signedBy,
} from "./audit-keys.js";
import { CapturingTree, consistencyRanges, forEachRawLine, scanLeaves } from "./audit-tree.js";
import { verifyConsistency } from "./merkle.js";
import { parseVerifierKey } from "./signed-note.js";

/** What broke: the chain's kinds (a record), then a key epoch, a checkpoint, a key file, or a witness record. */
export type AuditBreak =
  | ChainBreak
  | "key_epoch"
  | "checkpoint_malformed"
  | "checkpoint_origin"
  | "checkpoint_order"
  | "checkpoint_beyond_log"
  | "checkpoint_unkeyed"
  | "checkpoint_signature"
  | "checkpoint_root"
  | "checkpoint_inconsistent"
  | "key_missing"
  | "key_mismatch"
  | "signing_key_mismatch"
  | "witness_beyond_log"
  | "witness_root";

export interface AuditProblem {
  host: string;
  /** The file the bad line is in: the log, its checkpoints, or the witnessing host's log. */
  file: string;
  line: number | null;
  seq: number | null;
  kind: AuditBreak;
  reason: string;
}

/** A `witness` record: host `by` saw `host`'s checkpoint of `size` records with `root` (base64), at its own seq. */
export interface WitnessRecord {
  by: string;
  seq: number;
  host: string;
  size: number;
  root: string;
  outcome: string;
}

export interface AuditHostReport {
  host: string;
  file: string;
  ok: boolean;
  records: number;
  reads: number;
  tornTail: boolean;
  checkpoints: number;
  latest: { size: number; root: string } | null;
  /** The key epochs' verifier keys, oldest first. */
  keys: string[];
  /** Witness records by other hosts checked against this log. */
  witnessed: number;
  /** Breaks in continuity that do not fail verification: a new key epoch, a log never signed, a witness's own finding. */
  warnings: string[];
  firstBroken?: AuditProblem;
}

export interface VerifyHostOptions {
  /** The run root's synced chain head (this host only): catches a truncated or rolled-back log. */
  headPath?: string;
  /** Witness records about this host; by default read from every log in $WARDEN_HOME/audit. */
  witnesses?: WitnessRecord[];
}

export function verifyAuditHost(home: string, host: string, opts: VerifyHostOptions = {}): AuditHostReport {
  const files = auditFilesOf(home, host);
  // Checkpoints before records: the daemon appends a checkpoint only after its records, so none
  // read here can run past the log read next, however busy the daemon is meanwhile.
  const lines = readCheckpointLines(files.checkpoints);
  const chain = verifyAuditChain(files.log, opts.headPath);
  const report: AuditHostReport = {
    host,
    file: files.log,
    ok: true,
    records: chain.records,
    reads: chain.reads,
    tornTail: chain.tornTail,
    checkpoints: 0,
    latest: null,
    keys: [],
    witnessed: 0,
    warnings: [],
  };
  const fail = (p: Omit<AuditProblem, "host">): AuditHostReport => ({ ...report, ok: false, firstBroken: { host, ...p } });
  if (!chain.ok) return fail({ file: files.log, ...chain.firstBroken! });

  const witnesses = (opts.witnesses ?? collectWitnesses(home)).filter((w) => w.host === host);
  const notes = lines.map((l) => readCheckpointNote(l.note, host));
  // Ask the tree, before streaming, for every root and proof node the checks below will need.
  const tree = new CapturingTree();
  let before = 0;
  for (const n of notes) {
    if ("problem" in n) continue;
    tree.want([0, n.checkpoint.size]);
    for (const r of consistencyRanges(before, n.checkpoint.size)) tree.want(r);
    before = Math.max(before, n.checkpoint.size);
  }
  for (const w of witnesses) tree.want([0, w.size]);

  const epochs: KeyEpoch[] = [];
  let badEpoch: AuditProblem | undefined;
  scanLeaves(
    files.log,
    tree,
    (bytes, index) => {
      if (badEpoch || bytes.indexOf("audit_key") < 0) return;
      const record = JSON.parse(bytes.toString("utf8")) as AuditRecord; // the chain check parsed each of these lines
      if (record.action !== "audit_key") return;
      const epoch = epochOf(record, host, epochs.at(-1));
      if (typeof epoch === "string") badEpoch = { host, file: files.log, line: index + 1, seq: record.seq, kind: "key_epoch", reason: epoch };
      else {
        epochs.push(epoch);
        if (epoch.reason === "key_lost")
          report.warnings.push(
            `${host}: a new key epoch at seq ${epoch.seq} (key_lost): the signing key was replaced; records before it stay checked against the old key`,
          );
      }
    },
    chain.records,
  ); // only the records the chain check saw (the daemon may be appending)
  report.keys = epochs.map((e) => e.key);
  if (badEpoch) return { ...report, ok: false, firstBroken: badEpoch };

  // Checkpoints, in file order.
  let prev: { size: number; root: Buffer } = { size: 0, root: tree.hashOf([0, 0])! };
  for (const [i, { line }] of lines.entries()) {
    const at = (kind: AuditBreak, reason: string) => fail({ file: files.checkpoints, line, seq: null, kind, reason: `checkpoint at line ${line}: ${reason}` });
    const n = notes[i]!;
    if ("problem" in n) return at(n.problem === "origin" ? "checkpoint_origin" : "checkpoint_malformed", n.reason);
    const { size, root } = n.checkpoint;
    if (size < prev.size) return at("checkpoint_order", `size ${size} after a checkpoint of ${prev.size} (a tree never shrinks)`);
    if (size > tree.size) return at("checkpoint_beyond_log", `size ${size}, but the log has ${tree.size} record(s) (truncated?)`);
    const epoch = epochAt(epochs, size);
    if (!epoch) return at("checkpoint_unkeyed", `no audit_key record among the first ${size} records names its signing key`);
    if (!signedBy(lines[i]!.note!, parseVerifierKey(epoch.key)!))
      return at("checkpoint_signature", `not signed by the key of its epoch (${epoch.key}, from seq ${epoch.seq})`);
    if (!root.equals(tree.hashOf([0, size])!))
      return at("checkpoint_root", `its root is not the root of the log's first ${size} records (a record was changed)`);
    const proof = tree.proof(consistencyRanges(prev.size, size));
    if (!proof || !verifyConsistency(prev.size, size, prev.root, root, proof)) {
      return at("checkpoint_inconsistent", `no consistency proof from the checkpoint of ${prev.size} before it`);
    }
    prev = { size, root };
    report.checkpoints++;
  }
  if (lines.length > 0) report.latest = { size: prev.size, root: prev.root.toString("base64") };

  // Keys: the latest epoch's is the one published, and the one this host signs with if it owns the log.
  const latestKey = epochs.at(-1)?.key ?? null;
  const published = readPublishedKey(files.publicKey);
  const keyFail = (kind: AuditBreak, reason: string) => fail({ file: files.publicKey, line: null, seq: null, kind, reason });
  if (latestKey && published === null) return keyFail("key_missing", `the log names key ${latestKey}, but ${files.publicKey} is missing`);
  if (published !== null && published !== latestKey) {
    return keyFail(
      "key_mismatch",
      `${files.publicKey} holds ${published}, but the log's latest key epoch names ${latestKey ?? "no key"} (the log or the key was replaced)`,
    );
  }
  const held = heldSigningKey(files.signingKey, host);
  if (held === "unreadable") report.warnings.push(`${host}: ${files.signingKey} could not be read; the held key was not compared`);
  else if (held !== null && held !== latestKey) {
    return fail({
      file: files.signingKey,
      line: null,
      seq: null,
      kind: "signing_key_mismatch",
      reason: `this host signs with ${held}, but the log's latest key epoch names ${latestKey ?? "no key"} (the log and its public key were replaced)`,
    });
  }
  if (!latestKey && lines.length === 0 && report.records > 0)
    report.warnings.push(`${host}: no signing key and no checkpoints: only the hash chain was checked`);

  // Witness records other hosts keep about this one.
  for (const w of witnesses) {
    const at = (kind: AuditBreak, reason: string) =>
      fail({
        file: join(home, "audit", `${w.by}.jsonl`),
        line: w.seq,
        seq: w.seq,
        kind,
        reason: `${reason}: inconsistent with the witness record at ${w.by} seq ${w.seq}`,
      });
    if (w.outcome !== "ok") {
      report.warnings.push(`${host}: ${w.by} recorded at seq ${w.seq} that a checkpoint of this log did not verify (outcome ${w.outcome})`);
      continue;
    }
    if (w.size > tree.size) return at("witness_beyond_log", `${host}'s log has ${tree.size} record(s), ${w.by} saw ${w.size}`);
    if (tree.hashOf([0, w.size])!.toString("base64") !== w.root)
      return at("witness_root", `the root of ${host}'s first ${w.size} records is not the one ${w.by} saw`);
    report.witnessed++;
  }
  return report;
}

/** The hosts whose audit logs are in $WARDEN_HOME/audit. */
export function auditHosts(home: string): string[] {
  try {
    return readdirSync(join(home, "audit"))
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => f.slice(0, -".jsonl".length))
      .sort();
  } catch {
    return [];
  }
}

/** Every `witness` record in every host's log (well-formed ones; a record that is not is left to its own log's checks). */
export function collectWitnesses(home: string): WitnessRecord[] {
  const out: WitnessRecord[] = [];
  for (const by of auditHosts(home)) {
    forEachRawLine(join(home, "audit", `${by}.jsonl`), (bytes) => {
      if (bytes.indexOf("witness") < 0) return;
      let r: AuditRecord;
      try {
        r = JSON.parse(bytes.toString("utf8")) as AuditRecord;
      } catch {
        return;
      }
      const d = r.detail ?? {};
      if (r.action !== "witness" || typeof d.host !== "string") return;
      // An error record (the witness's own finding) may name no size or root: it is only reported.
      if (r.outcome !== "ok") return void out.push({ by, seq: r.seq, host: d.host, size: 0, root: "", outcome: r.outcome });
      if (!Number.isInteger(d.size) || (d.size as number) < 0 || typeof d.root !== "string") return;
      out.push({ by, seq: r.seq, host: d.host, size: d.size as number, root: d.root, outcome: r.outcome });
    });
  }
  return out;
}

export interface AuditHomeReport {
  ok: boolean;
  hosts: AuditHostReport[];
  firstBroken?: AuditProblem;
  warnings: string[];
}

/** Every host's log present (`thisHost` first, checked against its run root's head), or only `only`. */
export function verifyAuditHome(home: string, thisHost: string, opts: { only?: string; headPath?: string } = {}): AuditHomeReport {
  const present = auditHosts(home);
  const hosts = opts.only ? [opts.only] : [thisHost, ...present.filter((h) => h !== thisHost)];
  const witnesses = collectWitnesses(home);
  const reports = hosts.map((h) => verifyAuditHost(home, h, { witnesses, headPath: h === thisHost ? opts.headPath : undefined }));
  const broken = reports.find((r) => !r.ok);
  return { ok: !broken, hosts: reports, ...(broken ? { firstBroken: broken.firstBroken } : {}), warnings: reports.flatMap((r) => r.warnings) };
}
