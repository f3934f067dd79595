// One output stream's path to the ledger: coalesce, cut at a UTF-8 character boundary, mask.
// Under load, chunks are gathered for up to `coalesceMs` or `coalesceBytes`; a chunk arriving
// after a quiet spell (a keystroke's echo) goes out at once. Text that may be the start of a
// secret is held by the masker for at most `holdMs`.
import { StreamMasker } from "../masking/masker.js";
import type { SecretValues } from "../masking/secret-values.js";

export interface OutputOptions {
  coalesceMs: number;
  coalesceBytes: number;
  holdMs: number;
}

export class OutputStream {
  private parts: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private partialTimer: NodeJS.Timeout | undefined;
  private lastEmit = -Infinity;
  private readonly masker: StreamMasker;

  constructor(
    private readonly opts: OutputOptions,
    secrets: SecretValues,
    private readonly emit: (masked: Buffer) => void,
  ) {
    this.masker = new StreamMasker(secrets, opts.holdMs);
  }

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.opts.coalesceBytes) return this.flush("cut");
    if (this.timer !== undefined) return;
    if (performance.now() - this.lastEmit >= this.opts.coalesceMs) return this.flush("cut"); // after quiet: at once
    this.timer = setTimeout(() => this.flush("cut"), this.opts.coalesceMs);
  }

  /** Everything received, held bytes included: at exit. */
  end(): void {
    this.flush("final");
    clearTimeout(this.holdTimer);
  }

  /**
   * "cut" keeps an unfinished UTF-8 character back for the next chunk (for at most holdMs, then
   * "whole" sends it as it is); "final" also releases what the masker holds.
   */
  private flush(how: "cut" | "whole" | "final"): void {
    clearTimeout(this.timer);
    clearTimeout(this.partialTimer);
    this.timer = undefined;
    let data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    const cut = how === "cut" ? utf8Boundary(data) : data.length;
    if (cut < data.length) {
      this.parts = [data.subarray(cut)];
      this.size = data.length - cut;
      data = data.subarray(0, cut);
      this.partialTimer = setTimeout(() => this.flush("whole"), this.opts.holdMs);
    }
    let out = data.length > 0 ? this.masker.push(data) : Buffer.alloc(0);
    if (how === "final") out = Buffer.concat([out, this.masker.flush()]);
    else this.armHold();
    this.send(out);
  }

  /** Held text goes out after holdMs, unless the masker holds it firmly (a known secret's start). */
  private armHold(): void {
    if (!this.masker.holding || this.masker.firm || this.holdTimer !== undefined) return;
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.send(this.masker.expire());
      this.armHold();
    }, this.opts.holdMs);
  }

  private send(out: Buffer): void {
    if (out.length === 0) return;
    this.lastEmit = performance.now();
    this.emit(out);
  }
}

/** Where a trailing incomplete UTF-8 sequence starts (data.length when there is none). */
export function utf8Boundary(data: Buffer): number {
  const n = data.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = data[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
