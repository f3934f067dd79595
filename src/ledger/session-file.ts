// One session's ledger file as the writer holds it: an fd appended to, synced and cut back, and
// what the writer reads of a file it opens again (its last event; a torn tail to cut).
import { closeSync, fdatasync, fstatSync, ftruncateSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { parseEvent, type LedgerEvent } from "./events.js";
import { completeEnd, lastCompleteLine, withFile } from "./jsonl.js";

/** An open session file. A class (not bare fds) so tests can intercept datasync. */
export class LedgerFile {
  constructor(
    readonly fd: number,
    public size: number,
    /** Created by us and its directory entry not yet fsynced. */
    public fresh: boolean,
  ) {}

  append(data: Buffer): void {
    for (let off = 0; off < data.length; ) off += writeSync(this.fd, data, off, data.length - off);
    this.size += data.length;
  }

  datasync(): Promise<void> {
    return new Promise((resolve, reject) => fdatasync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  truncate(size: number): void {
    ftruncateSync(this.fd, size);
    this.size = size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The last complete event in a session file, or null. */
export function lastEventOnDisk(path: string): LedgerEvent | null {
  return withFile(path, (fd) => lastCompleteLine(fd, fstatSync(fd).size, parseEvent).last);
}

/** A torn last line (this writer died mid-append; never acknowledged) is cut before appending. */
export function cutTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  const end = completeEnd(fd, size);
  if (end < size) ftruncateSync(fd, end);
}

export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
