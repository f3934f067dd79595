// The native addon (native/warden_native.c), built by node-gyp during `npm ci`.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "./package-info.js";

/** Peer credentials of a Unix-socket connection, read by SO_PEERCRED when it was accepted. */
export interface PeerCred {
  uid: number;
  gid: number;
  /** -1 where the platform cannot tell. */
  pid: number;
}

interface NativeAddon {
  peerCred(fd: number): PeerCred;
  /** Non-blocking flock(2): true when taken, false when another open file description holds it. */
  tryFlock(fd: number, exclusive: boolean): boolean;
  /** Drops a flock while keeping the file open. */
  funlock(fd: number): void;
  /** No core dumps, no same-uid ptrace: for processes holding secrets in ordinary memory. */
  noCoreDumps(): void;
  /** PR_SET_CHILD_SUBREAPER: orphaned descendants re-parent to us. False where unsupported (non-Linux). */
  childSubreaper(): boolean;
  /** waitpid(pid, WNOHANG) for one child: true when it had exited and is now reaped. */
  reapChild(pid: number): boolean;
  /** Whether our process group is the foreground group of the terminal open on `fd`. */
  isForeground(fd: number): boolean;
  /** Whether the terminal on `fd` is at a password prompt (canonical mode, echo off). Throws on a non-terminal. */
  ttyHidesInput(fd: number): boolean;
  /** A new descriptor (close-on-exec) for the same open file. */
  dupCloexec(fd: number): number;
  /** Sets a terminal's window size (TIOCSWINSZ); on a PTY master the child gets SIGWINCH. */
  setWinsize(fd: number, cols: number, rows: number): void;
  /** Lowers the calling thread's priority (setpriority on its tid; a no-op off Linux). */
  niceThread(n: number): void;
  /** The masking rules' keywords (2-255 ASCII chars each), indexed for kwScan. */
  kwCompile(keywords: readonly string[]): KeywordSet;
  /**
   * Every keyword occurrence in `text` from `from` on, in text order: out[0] pairs of [position,
   * keyword index] from out[2], all keywords at a position longest first; out[1] is where to go on
   * when `out` filled up, else -1. Read as latin1: a char above U+00FF is its low byte, so check
   * each found keyword against the text.
   */
  kwScan(set: KeywordSet, text: string, out: Int32Array, from: number): void;
  /**
   * head, then `bytes` as a JSON string literal (as JSON.stringify writes the string they decode
   * to), then tail, as UTF-8; null when the bytes are not valid UTF-8.
   */
  jsonText(bytes: Uint8Array, head: string, tail: string): Buffer | null;
}

/** An opaque native keyword index (kwCompile). */
export type KeywordSet = { readonly __keywordSet: unique symbol };

let addon: NativeAddon | undefined;

export function native(): NativeAddon {
  if (!addon) {
    const path = join(packageRoot(), "build", "Release", "warden_native.node");
    if (!existsSync(path)) throw new Error(`native addon missing at ${path}; run \`npm ci\` (it builds it with node-gyp)`);
    addon = createRequire(import.meta.url)(path) as NativeAddon;
  }
  return addon;
}

/**
 * For any process that will hold a secret in ordinary memory (V8 strings, Buffers): no core file
 * can be written and no same-uid process can ptrace it or read /proc/<pid>/mem.
 */
export function refuseCoreDumps(): void {
  native().noCoreDumps();
}
