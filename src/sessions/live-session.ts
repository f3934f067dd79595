// One running session: its process, its output streams, its screen, and the events it records.
// Every event goes through `record`: seq assigned and published to subscribers at once, written
// to the ledger with group commit. Exit is recorded only after the last output has been.
import { maskEach } from "../platform/proc.js";
import type { LedgerData, LedgerEventOf, LedgerKind } from "../ledger/event-map.js";
import type { LedgerWriter } from "../ledger/writer.js";
import { maskBytes } from "../masking/masker.js";
import type { SecretValues } from "../masking/secret-values.js";
import type { ExitStatus, SessionChild, Stream } from "./child.js";
import type { CredentialScope } from "./credentials.js";
import type { EventHub } from "./hub.js";
import { OutputStream, type OutputOptions } from "./output.js";
import type { Screens } from "./screens.js";

/** Unwritten ledger bytes above which the child's output stops being read, and below which it resumes. */
const PAUSE_BYTES = 16 * 1024 * 1024;
const RESUME_BYTES = 4 * 1024 * 1024;

export interface SessionDeps {
  writer: LedgerWriter;
  hub: EventHub;
  secrets: SecretValues;
  screens: Screens;
  output: OutputOptions;
  scrollback: number;
  /** A record could not be written: the session is stopped (nothing runs unrecorded). */
  onRecordFailed(session: LiveSession, err: Error): void;
  /** Its credential scope at launch. */
  credentials: CredentialScope;
}

export class LiveSession {
  private readonly outputs = new Map<Stream, OutputStream>();
  private readonly input: OutputStream;
  private unwritten = 0;
  private paused = false;
  /** Why it ended, when not on its own: killed, daemon_stopped, ledger_failed. */
  reason: string | null = null;
  ended = false;
  /** Resolves when the exit event is durable (or could not be written). */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  cols: number;
  rows: number;
  /** What its agent may read without approval: set at launch, replaced by sessions.setScope. */
  credentials: CredentialScope;

  constructor(
    readonly id: string,
    readonly mode: "pty" | "task",
    readonly child: SessionChild,
    readonly startTime: string | null,
    size: { cols: number; rows: number },
    private readonly deps: SessionDeps,
  ) {
    this.cols = size.cols;
    this.rows = size.rows;
    this.credentials = deps.credentials;
    this.done = new Promise((r) => (this.resolveDone = r));
    for (const stream of mode === "pty" ? (["pty"] as const) : (["stdout", "stderr"] as const)) {
      this.outputs.set(stream, new OutputStream(deps.output, deps.secrets, (bytes) => this.recordOutput(stream, bytes)));
    }
    // Typed input is recorded through the same masking, as a stream: a secret typed one key at a
    // time is still seen whole.
    this.input = new OutputStream(deps.output, deps.secrets, (bytes) => this.record("input", {}, bytes));
  }

  /** Call once the launch event is recorded: starts reading output and watching for exit. */
  start(launchSeq: number): void {
    if (this.mode === "pty") this.deps.screens.open(this.id, this.cols, this.rows, this.deps.scrollback, launchSeq, true);
    this.child.onOutput((stream, chunk) => this.outputs.get(stream)?.push(chunk));
    this.child.onExit((status) => this.finish(status));
  }

  /** Writes typed input; records it masked, or only its length at a password prompt. */
  type(data: Buffer, eof: boolean): void {
    if (this.ended) return;
    if (data.length > 0) {
      if (this.child.hidesInput()) this.record("input", { redacted: true, bytes: data.length });
      else this.input.push(data);
      this.child.write(data);
    }
    if (eof) this.child.endInput();
  }

  resize(cols: number, rows: number): number {
    this.child.resize(cols, rows);
    this.cols = cols;
    this.rows = rows;
    const e = this.record("resize", { cols, rows });
    if (this.mode === "pty") this.deps.screens.resize(this.id, cols, rows, e.seq);
    return e.seq;
  }

  /** Signals the whole process group. */
  signal(sig: NodeJS.Signals, reason: string | null): void {
    if (reason && !this.reason) this.reason = reason;
    try {
      process.kill(-this.child.pgid, sig);
    } catch {
      // ESRCH: the group is gone already; EPERM: the id is no longer ours. Either way, nothing to signal.
    }
  }

  /** `payload`: bytes recorded as data's `text` (or `b64`). */
  record<K extends LedgerKind>(kind: K, data: LedgerData<K>, payload?: Uint8Array): LedgerEventOf<K> {
    return this.recordDurable(kind, data, payload).event;
  }

  /** Like record; also resolves when the event is durable. */
  recordDurable<K extends LedgerKind>(kind: K, data: LedgerData<K>, payload?: Uint8Array): { event: LedgerEventOf<K>; durable: Promise<LedgerEventOf<K>> } {
    const { event, bytes, durable } = this.deps.writer.enqueue(this.id, kind, data, payload);
    this.unwritten += bytes;
    if (this.unwritten > PAUSE_BYTES && !this.paused && !this.ended) {
      this.paused = true;
      this.child.pause();
    }
    durable.then(
      () => {
        this.unwritten -= bytes;
        if (this.paused && this.unwritten < RESUME_BYTES) {
          this.paused = false;
          this.child.resume();
        }
      },
      (err: Error) => this.deps.onRecordFailed(this, err),
    );
    this.deps.hub.publish(event);
    return { event, durable };
  }

  private recordOutput(stream: Stream, bytes: Buffer): void {
    if (this.deps.writer.isClosed) return; // the daemon stopped and a descendant still prints: nobody records it
    const e = this.record("output", { stream }, bytes);
    if (stream === "pty") this.deps.screens.feed(this.id, bytes, e.seq);
  }

  private finish(status: ExitStatus): void {
    if (this.ended) return;
    if (this.paused) this.child.resume();
    for (const o of this.outputs.values()) o.end();
    this.input.end();
    this.ended = true;
    let exit: LedgerEventOf<"exit"> | null = null;
    try {
      exit = this.record("exit", {
        code: status.code,
        signal: status.signal,
        status: status.error || this.reason === "ledger_failed" ? "failed" : "exited",
        terminal_reason: this.reason,
        ...(status.error ? { error: status.error } : {}),
      });
    } catch {
      // the writer is closed: the next start settles this session as daemon_restarted
    }
    if (this.mode === "pty") this.deps.screens.close(this.id);
    if (!exit) return this.resolveDone();
    this.deps.writer.flush().then(
      () => this.resolveDone(),
      () => this.resolveDone(),
    );
  }
}

/**
 * Masks a launch's argv the same way output is masked (a token passed as an argument), as one
 * command line: a password is often the argument after its flag (`mysql -p X`).
 */
export function maskArgv(argv: string[], secrets: SecretValues): string[] {
  return maskEach(argv, (a) => maskBytes(Buffer.from(a, "utf8"), secrets).bytes.toString("utf8"), true);
}
