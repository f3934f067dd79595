// audit/<host>.checkpoints: the audit log's signed tree heads, one `{"note": "<C2SP signed note>"}`
// per line, appended (the note signs a tlog-checkpoint: origin `warden/<host>`, tree size, base64
// root). Written after a batch of records, at most once per `gapMs` while records keep coming, and
// at close; only when the tree grew. A checkpoint never covers a record not yet on disk: the log is
// fdatasynced first (this is the log's own sync: it has no other timer), then the checkpoint
// appended and fdatasynced. A torn last line (a crash mid-append) is cut at open, as the log's is.
//
// Only the daemon writes checkpoints. A direct-mode CLI (no daemon running) appends records
// without one: it would otherwise load the private key into every short-lived CLI process, and
// the daemon's next start signs whatever it finds unsigned (see AuditLog's open).
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, writeSync } from "node:fs";
import { openNoFollow } from "../platform/nofollow.js";
import type { AuditSigner } from "./audit-key.js";
import { lastCompleteLine } from "./jsonl.js";
import { checkpointText, openNote, parseCheckpoint } from "./signed-note.js";

export interface TreeSource {
  /** The tree over every record written so far. */
  head(): { size: number; root: Buffer };
  /** Makes every record written so far durable. */
  sync(): void;
}

export class Checkpointer {
  private readonly fd: number;
  /** The size of the newest checkpoint in the file (0: none). */
  private signed: number;
  private lastAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly path: string,
    private readonly signer: AuditSigner,
    private readonly tree: TreeSource,
    private readonly gapMs: number = 1000,
  ) {
    this.fd = openNoFollow(path, "a+");
    try {
      const size = fstatSync(this.fd).size;
      const tail = lastCompleteLine(this.fd, size, checkpointSize);
      if (tail.end < size) ftruncateSync(this.fd, tail.end);
      this.signed = tail.last ?? 0;
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  /** The size of the newest checkpoint written. */
  get size(): number {
    return this.signed;
  }

  /** Records were written: a checkpoint follows once this turn's batch is done, or `gapMs` after the last one. */
  grew(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastAt + this.gapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.checkpoint();
    }, wait);
    this.timer.unref();
  }

  /** Signs and appends the current tree head if it grew since the last checkpoint. */
  checkpoint(): void {
    const head = this.tree.head();
    if (head.size <= this.signed) return;
    this.tree.sync(); // the records first: a checkpoint must never cover one that a crash could lose
    const note = this.signer.sign(checkpointText({ origin: this.signer.name, size: head.size, root: head.root, extensions: [] }));
    const line = Buffer.from(`${JSON.stringify({ note })}\n`);
    for (let off = 0; off < line.length; ) off += writeSync(this.fd, line, off);
    fdatasyncSync(this.fd);
    this.signed = head.size;
    this.lastAt = Date.now();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.checkpoint();
    } finally {
      closeSync(this.fd);
    }
  }
}

/** The tree size a checkpoints line signs (any key: the size is all the writer needs), or null. */
function checkpointSize(line: string): number | null {
  try {
    const { note } = JSON.parse(line) as { note?: unknown };
    const opened = typeof note === "string" ? openNote(note, []) : null;
    return (opened && parseCheckpoint(opened.text)?.size) ?? null;
  } catch {
    return null;
  }
}
