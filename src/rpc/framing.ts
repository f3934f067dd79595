// NDJSON framing on raw bytes: one message per '\n'. Works on bytes rather than strings so a
// multi-byte UTF-8 character split across chunks is reassembled before decoding, and so an
// oversize line is measured and discarded without ever being held in memory.

export interface LineSink {
  /** A complete line, without its '\n' (and without a trailing '\r'). */
  line(bytes: Buffer): void;
  /** The current line passed maxLineBytes; everything up to its '\n' is dropped. Called once per line. */
  oversize(limit: number): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;
  private done = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.discarding && end > start) {
        if (this.size + (end - start) > this.maxLineBytes) {
          this.parts = [];
          this.size = 0;
          this.discarding = true;
          this.sink.oversize(this.maxLineBytes);
        } else {
          this.parts.push(chunk.subarray(start, end));
          this.size += end - start;
        }
      }
      if (nl === -1) return;
      this.done++;
      if (this.discarding) this.discarding = false;
      else this.emit();
      start = nl + 1;
    }
  }

  /** End of input: an unterminated last line counts as a line (a client may half-close without '\n'). */
  finish(): void {
    if (this.discarding) this.discarding = false;
    else if (this.size > 0) this.emit();
  }

  /** Whether a line has begun and not yet ended (held, or being discarded as oversize). */
  get midLine(): boolean {
    return this.discarding || this.size > 0;
  }

  /** Lines ended so far, discarded ones included: tells one unfinished line from the next. */
  get linesEnded(): number {
    return this.done;
  }

  /** Bytes of an unfinished line held right now (for tests and accounting). */
  get pendingBytes(): number {
    return this.size;
  }

  private emit(): void {
    let line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    this.reset();
    if (line[line.length - 1] === 0x0d) line = line.subarray(0, -1);
    if (line.length > 0) this.sink.line(line);
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
}
