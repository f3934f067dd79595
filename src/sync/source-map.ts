// Every source the sync engine keeps the projection current from, and how a path or a watermark's
// name maps back to one: $WARDEN_HOME's ledgers, audit logs and approvals (every host's), and the
// transcripts under each enabled importer's root.
import { join, relative, sep } from "node:path";
import type { SourceFile, SourceKind } from "../projection/sources.js";
import { discoverSources, transcriptSource, walkTranscripts, type ListingCache, type TranscriptRoot } from "./discover.js";
import { importerFor } from "./importers/index.js";

const HOME_FILE = /^(ledger)\/([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)\.jsonl$|^(audit|approvals)\/([A-Za-z0-9][A-Za-z0-9._-]*)\.jsonl$/;

export interface Discovery {
  sources: SourceFile[];
  /** Directories that could not be read: files under them are not known missing. */
  errors: Array<{ rel: string; error: string }>;
}

export class SourceMap {
  /** Directory listings and the sources made of them, kept between passes (see walkTranscripts). */
  private readonly listings: ListingCache = new Map();
  private made = new Map<string, SourceFile | null>();

  constructor(
    readonly home: string,
    /** This host: transcripts found here belong to it. */
    readonly host: string,
    readonly roots: readonly TranscriptRoot[],
  ) {}

  /** The source at a path relative to $WARDEN_HOME, or null. */
  private homeSource(rel: string): SourceFile | null {
    const m = HOME_FILE.exec(rel);
    if (!m) return null;
    if (m[1]) return { kind: "ledger", path: join(this.home, rel), rel, host: m[2]!, session: m[3]! };
    return { kind: m[4] as "audit" | "approvals", path: join(this.home, rel), rel, host: m[5]! };
  }

  private transcript(root: TranscriptRoot, rel: string): SourceFile | null {
    const kind = importerFor(root.source);
    return kind.matches(rel) ? transcriptSource(root, rel, this.host, kind.sessionIdFor(rel)) : null;
  }

  /** The source a changed file is, or null when it is none (a temp file, a directory, elsewhere). */
  fromPath(path: string): SourceFile | null {
    for (const root of this.roots) {
      const rel = relative(root.root, path);
      if (rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep)) return this.transcript(root, rel.split(sep).join("/"));
    }
    const rel = relative(this.home, path);
    return rel.startsWith("..") ? null : this.homeSource(rel.split(sep).join("/"));
  }

  /** The source a watermark names (to check whether its file still exists). */
  fromRel(rel: string): SourceFile | null {
    const colon = rel.indexOf(":");
    if (colon < 0) return this.homeSource(rel);
    const root = this.roots.find((r) => r.source === rel.slice(0, colon));
    return root ? this.transcript(root, rel.slice(colon + 1)) : null;
  }

  /** Whether the daemon's own writers apply this file as they write it (this host's ledger and audit log). */
  isLive(source: SourceFile): boolean {
    return source.host === this.host && (source.kind === "ledger" || source.kind === "audit");
  }

  /** This host's ledger directory: written and applied by the daemon itself, never watched. */
  get liveDir(): string {
    return join(this.home, "ledger", this.host);
  }

  /** Watermark names this map is responsible for (a disabled importer's are left alone). */
  owns(rel: string): boolean {
    const colon = rel.indexOf(":");
    return colon < 0 || this.roots.some((r) => r.source === rel.slice(0, colon));
  }

  discover(): Discovery {
    const errors: Discovery["errors"] = [];
    let sources: SourceFile[] = [];
    try {
      sources = discoverSources(this.home);
    } catch (err) {
      errors.push({ rel: "", error: (err as Error).message });
    }
    const made = new Map<string, SourceFile | null>(); // this pass's: files gone drop out
    for (const root of this.roots) {
      const kind = importerFor(root.source);
      const onError = (r: string, err: Error) => errors.push({ rel: `${root.source}:${r}`, error: err.message });
      for (const rel of walkTranscripts(root.root, () => true, onError, this.listings)) {
        const key = `${root.source}:${rel}`;
        let source = this.made.get(key);
        if (source === undefined) source = kind.matches(rel) ? transcriptSource(root, rel, this.host, kind.sessionIdFor(rel)) : null;
        made.set(key, source);
        if (source) sources.push(source);
      }
    }
    this.made = made;
    return { sources, errors };
  }

  /** What the watcher watches, with how deep: the home's source directories (and audit keys) and each root. */
  watchList(): Array<{ dir: string; depth: number; kind: SourceKind }> {
    return [
      { dir: join(this.home, "ledger"), depth: 1, kind: "ledger" },
      { dir: join(this.home, "audit"), depth: 0, kind: "audit" },
      { dir: join(this.home, "keys"), depth: 0, kind: "audit" }, // the audit logs' verifier keys, for the witness
      { dir: join(this.home, "approvals"), depth: 0, kind: "approvals" },
      ...this.roots.map((r) => ({ dir: r.root, depth: 6, kind: r.source })),
    ];
  }
}
