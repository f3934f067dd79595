// The source files the projection is derived from, all under $WARDEN_HOME: every host's ledger
// (ledger/<host>/<session>.jsonl), audit log (audit/<host>.jsonl) and approvals
// (approvals/<host>.jsonl). Other hosts' files arrive by file sync and are read-only inputs.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export type SourceKind = "ledger" | "audit" | "approvals";

export interface SourceFile {
  kind: SourceKind;
  /** Absolute path. */
  path: string;
  /** Relative to $WARDEN_HOME: how watermarks name it, so a moved home or a restored backup still matches. */
  rel: string;
  host: string;
  /** ledger files: the session id (the file name). */
  session?: string;
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

export function ledgerSource(home: string, host: string, session: string): SourceFile {
  return { kind: "ledger", path: join(home, "ledger", host, `${session}.jsonl`), rel: `ledger/${host}/${session}.jsonl`, host, session };
}

export function auditSource(home: string, host: string): SourceFile {
  return { kind: "audit", path: join(home, "audit", `${host}.jsonl`), rel: `audit/${host}.jsonl`, host };
}
