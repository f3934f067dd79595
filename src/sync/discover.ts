// The source files the projection is derived from, all under $WARDEN_HOME: every host's ledger
// (ledger/<host>/<session>.jsonl), audit log (audit/<host>.jsonl) and approvals
// (approvals/<host>.jsonl). Other hosts' files arrive by file sync and are read-only inputs.
// Plus, outside it, the transcripts other agent tools write (Claude Code, Codex), each under a
// root of its own, read by an importer.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SourceFile, TranscriptSource } from "../projection/sources.js";

/** Where an importer's transcripts are: every matching file under `root`. */
export interface TranscriptRoot {
  source: TranscriptSource;
  root: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Entries of `path` that are directories (`dirs`) or regular files; a missing directory is empty. */
function dir(path: string, dirs: boolean): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => NAME.test(e.name) && (dirs ? e.isDirectory() : e.isFile()))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    // Only absence means "no sources": an unreadable directory must not look like an empty one.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** Directories nested deeper than this under a transcript root are not walked (symlinks never are). */
const MAX_TRANSCRIPT_DEPTH = 8;

/** A directory's listing, reused while the directory's mtime says nothing was added or removed. */
export interface ListingCache {
  get(dir: string): { mtimeMs: number; listedAt: number; files: string[]; dirs: string[] } | undefined;
  set(dir: string, v: { mtimeMs: number; listedAt: number; files: string[]; dirs: string[] }): void;
}

/**
 * A listing taken this soon after the directory last changed is not reused: a file created in the
 * same timestamp tick as the listing would not move the mtime (git's "racy" entries, the same way).
 */
const RACY_MS = 2000;

/**
 * Files under `root` (relative, '/'-separated) that `matches` accepts. One directory is open at a
 * time, whatever the archive's size. A missing root is empty; an unreadable subdirectory is skipped
 * and reported through `onError` (one bad directory must not hide the rest). With a `cache`, a
 * directory whose mtime has not moved costs a stat instead of a listing.
 */
export function walkTranscripts(root: string, matches: (rel: string) => boolean, onError?: (rel: string, err: Error) => void, cache?: ListingCache): string[] {
  const out: string[] = [];
  const list = (dir: string): { files: string[]; dirs: string[] } => {
    const now = Date.now();
    const st = cache ? statSync(dir) : null;
    const hit = st ? cache!.get(dir) : undefined;
    if (st && hit && hit.mtimeMs === st.mtimeMs && hit.listedAt - st.mtimeMs > RACY_MS) return hit;
    const files: string[] = [];
    const dirs: string[] = [];
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) dirs.push(e.name);
      else if (e.isFile()) files.push(e.name);
    }
    if (st) cache!.set(dir, { mtimeMs: st.mtimeMs, listedAt: now, files, dirs });
    return { files, dirs };
  };
  const walk = (dirRel: string, depth: number) => {
    let entries;
    try {
      entries = list(dirRel ? join(root, dirRel) : root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || dirRel) onError?.(dirRel, err as Error);
      return;
    }
    for (const name of entries.files) {
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (matches(rel)) out.push(rel);
    }
    if (depth < MAX_TRANSCRIPT_DEPTH) for (const name of entries.dirs) walk(dirRel ? `${dirRel}/${name}` : name, depth + 1);
  };
  walk("", 0);
  return out.sort();
}

export function transcriptSource(root: TranscriptRoot, rel: string, host: string, session: string): SourceFile {
  return { kind: root.source, path: join(root.root, rel), rel: `${root.source}:${rel}`, host, session };
}

export function discoverSources(home: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const host of dir(join(home, "ledger"), true)) {
    for (const f of dir(join(home, "ledger", host), false)) {
      if (!f.endsWith(".jsonl")) continue;
      const session = f.slice(0, -6);
      out.push({ kind: "ledger", path: join(home, "ledger", host, f), rel: `ledger/${host}/${f}`, host, session });
    }
  }
  for (const kind of ["audit", "approvals"] as const) {
    for (const f of dir(join(home, kind), false)) {
      if (f.endsWith(".jsonl")) out.push({ kind, path: join(home, kind, f), rel: `${kind}/${f}`, host: f.slice(0, -6) });
    }
  }
  return out;
}
