// What a source file is to the store: its kind, the name its watermark goes by, the host and
// session its rows belong to. Finding the files (discovery, importer roots) is sync/'s: see
// sync/discover.ts.
import { join } from "node:path";

/** The agent tools whose transcripts are imported (a session's `source` column besides warden). */
export type TranscriptSource = "claude-code" | "codex";

export type SourceKind = "ledger" | "audit" | "approvals" | TranscriptSource;

export interface SourceFile {
  kind: SourceKind;
  /** Absolute path. */
  path: string;
  /**
   * How watermarks name it. Relative to $WARDEN_HOME, so a moved home or a restored backup still
   * matches; transcripts: `<source>:<path relative to their root>`.
   */
  rel: string;
  host: string;
  /** ledger files: the session id (the file name); transcripts: the id their importer derives. */
  session?: string;
}

export const isTranscript = (kind: SourceKind): kind is TranscriptSource => kind === "claude-code" || kind === "codex";

/** This host's (or another's) ledger of one session, by the layout of $WARDEN_HOME. */
export function ledgerSource(home: string, host: string, session: string): SourceFile {
  return { kind: "ledger", path: join(home, "ledger", host, `${session}.jsonl`), rel: `ledger/${host}/${session}.jsonl`, host, session };
}

export function auditSource(home: string, host: string): SourceFile {
  return { kind: "audit", path: join(home, "audit", `${host}.jsonl`), rel: `audit/${host}.jsonl`, host };
}
