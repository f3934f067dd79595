// Writes a host's audit files as the daemon does (issue 14's formats, PREAMBLE "Formats"): the log
// through the real AuditLog, `audit_key` epoch records, signed checkpoints in
// audit/<host>.checkpoints, keys/<host>.audit.pub and the private signing key, and `witness`
// records of other hosts' latest checkpoints. Verification tests build on these files without a
// daemon; tamper helpers rewrite them the way an attacker with the same uid could.
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type AuditFields, AuditLog, type AuditRecord, GENESIS, recordHash } from "../../src/ledger/audit-log.js";
import { leafHash, rootOf } from "../../src/ledger/merkle.js";
import { checkpointText, openNote, parseCheckpoint, signerFromSeed, signNote } from "../../src/ledger/signed-note.js";

export interface AuditHostFiles {
  log: string;
  checkpoints: string;
  publicKey: string;
  signingKey: string;
  head: string;
}

export function auditHostFiles(home: string, host: string): AuditHostFiles {
  return {
    log: join(home, "audit", `${host}.jsonl`),
    checkpoints: join(home, "audit", `${host}.checkpoints`),
    publicKey: join(home, "keys", `${host}.audit.pub`),
    signingKey: join(home, "private", host, "audit-signing.key"),
    head: join(home, "run", host, "audit-head.json"),
  };
}

export class AuditHostWriter {
  readonly files: AuditHostFiles;
  private log: AuditLog;
  private signer: ReturnType<typeof signerFromSeed>;
  private lastKey: string | null = null;

  /** A host's log with its first key epoch; `head`: record the chain head in the run root, as the daemon does. */
  constructor(
    readonly home: string,
    readonly host: string,
    opts: { seed?: Buffer; head?: boolean } = {},
  ) {
    this.files = auditHostFiles(home, host);
    for (const f of Object.values(this.files)) mkdirSync(dirname(f), { recursive: true, mode: 0o700 });
    this.log = new AuditLog(this.files.log, host, { hold: false, headPath: opts.head ? this.files.head : undefined });
    this.signer = this.installKey(opts.seed ?? randomBytes(32));
    this.log.append({ action: "audit_key", outcome: "ok", detail: { key: this.signer.verifierKey, previous: null, reason: "first_key" } });
    this.lastKey = this.signer.verifierKey;
  }

  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  append(fields: Partial<AuditFields> = {}): AuditRecord {
    return this.log.append({ action: "get", outcome: "ok", vault: "work", name: "KEY", reason: "test", ...fields });
  }

  /** `n` reads, then a checkpoint. */
  reads(n: number): string {
    for (let i = 0; i < n; i++) this.append({ name: `KEY_${i}` });
    return this.checkpoint();
  }

  /** Signs the tree of every record so far (with the current key, or `seed`'s) and appends the note to the checkpoints file; returns the note. */
  checkpoint(seed?: Buffer): string {
    const signer = seed ? signerFromSeed(`warden/${this.host}`, seed) : this.signer;
    const leaves = lines(this.files.log).map((l) => leafHash(Buffer.from(l)));
    const note = signNote(
      checkpointText({ origin: `warden/${this.host}`, size: leaves.length, root: rootOf(leaves), extensions: [] }),
      signer.name,
      signer.secretKey,
    );
    appendFileSync(this.files.checkpoints, JSON.stringify({ note }) + "\n");
    return note;
  }

  /** The private key was lost: a new one, published, and the `key_lost` epoch record naming it. */
  loseKey(seed = randomBytes(32)): void {
    this.signer = this.installKey(seed);
    this.log.append({ action: "audit_key", outcome: "ok", detail: { key: this.signer.verifierKey, previous: this.lastKey, reason: "key_lost" } });
    this.lastKey = this.signer.verifierKey;
  }

  /** A witness record of `other`'s latest checkpoint (as the daemon appends when it imports that host's log). */
  witness(other: string): AuditRecord {
    const cps = lines(auditHostFiles(this.home, other).checkpoints);
    const note = (JSON.parse(cps.at(-1)!) as { note: string }).note;
    const c = parseCheckpoint(openNote(note, [])!.text)!;
    const key = readFileSync(auditHostFiles(this.home, other).publicKey, "utf8").trim();
    return this.log.append({ action: "witness", outcome: "ok", detail: { host: other, size: c.size, root: c.root.toString("base64"), key } });
  }

  close(): void {
    this.log.close();
  }

  private installKey(seed: Buffer): ReturnType<typeof signerFromSeed> {
    writeFileSync(this.files.signingKey, seed, { mode: 0o600 });
    const signer = signerFromSeed(`warden/${this.host}`, seed);
    writeFileSync(this.files.publicKey, signer.verifierKey + "\n");
    return signer;
  }
}

/** The file's complete lines. */
export function lines(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

/** Rewrites the log with `edit` applied to each record and the chain recomputed: a forgery the hash chain alone cannot see. */
export function rechain(path: string, edit: (r: AuditRecord) => AuditRecord | null): void {
  let prev = GENESIS;
  let seq = 0;
  const out: string[] = [];
  for (const line of lines(path)) {
    const edited = edit(JSON.parse(line) as AuditRecord);
    if (!edited) continue;
    const { hash: _old, ...rest } = { ...edited, seq: ++seq, prev };
    const hash = recordHash(prev, rest);
    out.push(JSON.stringify({ ...rest, hash }));
    prev = hash;
  }
  writeFileSync(path, out.map((l) => l + "\n").join(""));
}

/** Keeps the first `n` lines of a file. */
export function keepLines(path: string, n: number): void {
  writeFileSync(
    path,
    lines(path)
      .slice(0, n)
      .map((l) => l + "\n")
      .join(""),
  );
}
