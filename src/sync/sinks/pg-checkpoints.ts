// Each host's signed audit checkpoints (audit/<host>.checkpoints) pushed to warden_checkpoints,
// keyed by (host, size), so a team server is a witness: the first note stored for a size is kept,
// and a different note pushed later for the same size (a rewritten log re-signed) is counted as a
// conflict, never stored over it. Idempotent: a re-push inserts nothing. Each file is read from
// where the last push on this connection left it (from the start again after a reconnect, or
// when the file was replaced by a shorter one).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { scanLines } from "../../ledger/jsonl.js";
import { openNote, parseCheckpoint } from "../../ledger/signed-note.js";
import { pgQuery } from "./pg-target.js";
import { BATCH_ROWS } from "./pg-writer.js";

const FILE = /^([A-Za-z0-9][A-Za-z0-9._-]*)\.checkpoints$/;

const INSERT = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(host, size, origin, root, key_id, note)
), w AS (
  INSERT INTO warden_checkpoints (host, size, origin, root, key_id, note)
  SELECT * FROM input ON CONFLICT (host, size) DO NOTHING RETURNING 1
)
SELECT (SELECT count(*) FROM w)::int AS inserted,
       (SELECT count(*) FROM input i JOIN warden_checkpoints c ON c.host = i.host AND c.size = i.size WHERE c.note <> i.note)::int AS conflicting`;

export interface CheckpointRow {
  host: string;
  size: number;
  origin: string;
  /** base64, as in the note. */
  root: string;
  /** Hex key id of the origin's signature. */
  keyId: string;
  note: string;
}

/** A checkpoints file's line as a row; null when it is not a checkpoint of `host` signed by its origin. */
export function checkpointRow(host: string, line: string): CheckpointRow | null {
  let note: unknown;
  try {
    note = (JSON.parse(line) as { note?: unknown }).note;
  } catch {
    return null;
  }
  if (typeof note !== "string") return null;
  const opened = openNote(note, []);
  const cp = opened && parseCheckpoint(opened.text);
  const sig = cp && opened.signatures.find((s) => s.name === cp.origin);
  if (!cp || !sig || cp.origin !== `warden/${host}`) return null;
  return { host, size: cp.size, origin: cp.origin, root: cp.root.toString("base64"), keyId: sig.keyId.toString("hex"), note };
}

export class CheckpointPusher {
  /** Per host: the file's inode and the offset pushed through, on this connection. */
  private readonly pushed = new Map<string, { ino: number; offset: number }>();

  /** Forgets what was pushed (a new connection may find another database). */
  reset(): void {
    this.pushed.clear();
  }

  /** Pushes every host's checkpoints added since the last push (only `onlyHost`'s when given). */
  async push(client: pg.ClientBase, home: string, onlyHost?: string): Promise<{ inserted: number; conflicting: number }> {
    const out = { inserted: 0, conflicting: 0 };
    let files: string[];
    try {
      files = readdirSync(join(home, "audit"));
    } catch {
      return out;
    }
    for (const f of files.sort()) {
      const host = FILE.exec(f)?.[1];
      if (!host || (onlyHost !== undefined && host !== onlyHost)) continue;
      const path = join(home, "audit", f);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      const was = this.pushed.get(host);
      const from = was && was.ino === st.ino && was.offset <= st.size ? was.offset : 0;
      // A batch of rows at a time, each sent before the next is read: the file may be long.
      for (let offset = from; ; ) {
        const rows: CheckpointRow[] = [];
        let end = offset;
        scanLines(path, offset, (line, lineEnd) => {
          const row = checkpointRow(host, line);
          if (row) rows.push(row);
          end = lineEnd;
          return rows.length < BATCH_ROWS;
        });
        if (rows.length > 0) {
          const cols = [
            rows.map((r) => r.host),
            rows.map((r) => r.size),
            rows.map((r) => r.origin),
            rows.map((r) => r.root),
            rows.map((r) => r.keyId),
            rows.map((r) => r.note),
          ];
          const r = await pgQuery<{ inserted: number; conflicting: number }>(client, INSERT, cols, "warden_push_checkpoints");
          out.inserted += r.rows[0]!.inserted;
          out.conflicting += r.rows[0]!.conflicting;
        }
        this.pushed.set(host, { ino: st.ino, offset: end });
        if (rows.length < BATCH_ROWS) break;
        offset = end;
      }
    }
    return out;
  }
}
