// What the rules find in a file read line by line (`warden mask --check`): findings with their
// line and column and a preview that does not give the secret away. A private key block spanning
// lines is put together before it is looked at, as the sync engine sees it inside one JSON string.
import { findMatches } from "./masker.js";

export interface Finding {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (characters, but for astral ones). */
  column: number;
  rule: string;
  /** The first few chars, `…`: never more than a quarter of the secret, at most 4 chars. */
  preview: string;
  length: number;
}

const KEY_HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/;
/** A block that has not ended after this much is looked at as it is (the rule masks it to its last base64 line). */
const MAX_BLOCK_LINES = 1000;
const MAX_BLOCK_CHARS = 256 * 1024;

export function preview(secret: string): string {
  return secret.slice(0, Math.min(4, Math.floor(secret.length / 4))) + "…";
}

/** Feed it lines in order; it returns the findings each completes (a key block's on its last line). */
export class LineChecker {
  lines = 0;
  private block: string[] = [];
  private blockStart = 0;
  private blockChars = 0;

  push(line: string): Finding[] {
    this.lines++;
    if (this.block.length > 0) {
      this.block.push(line);
      this.blockChars += line.length + 1;
      const ended = line.includes("-----END ") || this.block.length >= MAX_BLOCK_LINES || this.blockChars >= MAX_BLOCK_CHARS;
      return ended ? this.flush() : [];
    }
    const header = KEY_HEADER.exec(line);
    if (header && !line.includes("-----END ", header.index)) {
      this.block = [line];
      this.blockStart = this.lines;
      this.blockChars = line.length + 1;
      return [];
    }
    return findings(line, this.lines);
  }

  /** At the end of the input: a key block never closed. */
  end(): Finding[] {
    return this.block.length > 0 ? this.flush() : [];
  }

  private flush(): Finding[] {
    const text = this.block.join("\n");
    const starts: number[] = [];
    let at = 0;
    for (const l of this.block) {
      starts.push(at);
      at += l.length + 1;
    }
    const first = this.blockStart;
    this.block = [];
    return findMatches(text).map((m) => {
      let i = starts.length - 1;
      while (starts[i]! > m.start) i--;
      const secret = text.slice(m.start, m.end);
      return { line: first + i, column: m.start - starts[i]! + 1, rule: m.rule, preview: preview(secret), length: secret.length };
    });
  }
}

function findings(line: string, lineNo: number): Finding[] {
  return findMatches(line).map((m) => {
    const secret = line.slice(m.start, m.end);
    return { line: lineNo, column: m.start + 1, rule: m.rule, preview: preview(secret), length: secret.length };
  });
}

/**
 * Splits a stream of text chunks into lines (without their `\n`), whatever the chunk boundaries;
 * a line longer than a chunk is gathered in parts and joined once.
 */
export async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let parts: string[] = [];
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", from)) {
      parts.push(chunk.slice(from, nl));
      yield parts.length === 1 ? parts[0]! : parts.join("");
      parts = [];
      from = nl + 1;
    }
    if (from < chunk.length) parts.push(chunk.slice(from));
  }
  if (parts.length > 0) yield parts.join("");
}
