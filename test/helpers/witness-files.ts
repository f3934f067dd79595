// "Another host" for witness tests: writes its audit log (the real AuditLog, hold: false), signed
// checkpoints and verifier key exactly in the PREAMBLE formats, in a staging directory of its own;
// `deliver` copies chosen files into a shared $WARDEN_HOME the way a file-sync tool does (a temp
// file renamed into place), in whatever order a test wants.
import { randomBytes } from "node:crypto";
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLog } from "../../src/ledger/audit-log.js";
import { leafHash, MerkleFrontier } from "../../src/ledger/merkle.js";
import { checkpointText, signerFromSeed, signNote } from "../../src/ledger/signed-note.js";

export type HostFile = "audit" | "checkpoints" | "pub";

export class OtherHost {
  readonly stage = mkdtempSync(join(tmpdir(), "wwit-"));
  private signer: ReturnType<typeof signerFromSeed>;
  private previous: string | null = null;
  /** Each checkpoint written: its size and base64 root. */
  readonly checkpoints: Array<{ size: number; root: string }> = [];

  constructor(
    readonly host: string,
    seed: Buffer = randomBytes(32),
  ) {
    for (const d of ["audit", "keys"]) mkdirSync(join(this.stage, d), { recursive: true });
    this.signer = signerFromSeed(this.origin, seed);
  }

  get origin(): string {
    return `warden/${this.host}`;
  }

  get verifierKey(): string {
    return this.signer.verifierKey;
  }

  path(file: HostFile, home = this.stage): string {
    if (file === "pub") return join(home, "keys", `${this.host}.audit.pub`);
    return join(home, "audit", `${this.host}.${file === "audit" ? "jsonl" : "checkpoints"}`);
  }

  /** Appends records through the real AuditLog (as a direct-mode writer would: the flock per append). */
  append(...records: Array<Parameters<AuditLog["append"]>[0]>): void {
    const log = new AuditLog(this.path("audit"), this.host, { hold: false });
    try {
      for (const r of records) log.append(r);
    } finally {
      log.close();
    }
  }

  /** A key epoch: the audit_key record naming the signer's key, and its .pub published. */
  startEpoch(reason: "first_key" | "key_lost" = "first_key"): void {
    this.append({ action: "audit_key", outcome: "ok", detail: { key: this.verifierKey, previous: this.previous, reason } });
    this.previous = this.verifierKey;
    writeFileSync(this.path("pub"), `${this.verifierKey}\n`);
  }

  /** `n` ordinary records. */
  records(n: number): void {
    this.append(...Array.from({ length: n }, (_, i) => ({ action: "unlock", outcome: "ok" as const, vault: `v${i}` })));
  }

  /** The root of the log's first `size` lines (all by default), base64. */
  root(size = Infinity): { size: number; root: string } {
    const f = new MerkleFrontier();
    const lines = readFileSync(this.path("audit")).toString("latin1").split("\n").slice(0, -1);
    for (const line of lines.slice(0, size)) f.append(leafHash(Buffer.from(line, "latin1")));
    return { size: f.size, root: f.root().toString("base64") };
  }

  /** Signs a checkpoint of the whole log (or of the size and root given) and appends it. */
  checkpoint(at: { size: number; root: string } = this.root()): { size: number; root: string; note: string } {
    const text = checkpointText({ origin: this.origin, size: at.size, root: Buffer.from(at.root, "base64"), extensions: [] });
    const note = signNote(text, this.origin, this.signer.secretKey);
    appendFileSync(this.path("checkpoints"), `${JSON.stringify({ note })}\n`);
    this.checkpoints.push(at);
    return { ...at, note };
  }

  /** Copies these files into `home`, each through a temp file renamed into place (as file sync does). */
  deliver(home: string, ...files: HostFile[]): void {
    for (const file of files) {
      const to = this.path(file, home);
      mkdirSync(join(to, ".."), { recursive: true, mode: 0o700 });
      if (!existsSync(this.path(file))) continue;
      copyFileSync(this.path(file), `${to}.sync-tmp`);
      renameSync(`${to}.sync-tmp`, to);
    }
  }

  cleanup(): void {
    rmSync(this.stage, { recursive: true, force: true });
  }
}
