// What the rules find in a file read line by line (`warden mask --check`): findings with their
// line and column and a preview that does not give the secret away. A private key block spanning
// lines is put together before it is looked at, as the sync engine sees it inside one JSON string;
// so is a Kubernetes Secret manifest (its `data:` may come before its `kind: Secret`, which says
// what the values are: the lines since the document's start are kept to look back at).
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

/** `kind: Secret`, a line of its own. */
const KIND_SECRET = /^ *kind:[ \t]*["']?Secret["']?[ \t]*$/;
const DOC_SEPARATOR = /^---[ \t]*$/;
/** How many lines of the current document are kept to look back at when a `kind: Secret` arrives. */
const RECENT_LINES = 200;

interface Seen {
  no: number;
  text: string;
  found: Finding[];
}

/** Feed it lines in order; it returns the findings each completes (a key block's on its last line, a Secret's at its document's end). */
export class LineChecker {
  lines = 0;
  private block: string[] = [];
  private blockStart = 0;
  private blockChars = 0;
  /** The current document's lines so far (at most RECENT_LINES), with what was reported on each. */
  private recent: Seen[] = [];
  /** A Secret manifest being gathered: its lines up to now (reported at its end), or null. */
  private secret: Seen[] | null = null;
  private secretChars = 0;

  push(line: string): Finding[] {
    this.lines++;
    if (this.secret !== null) {
      if (DOC_SEPARATOR.test(line)) return [...this.flushSecret(), ...this.check(line)];
      this.secret.push({ no: this.lines, text: line, found: [] });
      this.secretChars += line.length + 1;
      return this.secret.length >= MAX_BLOCK_LINES || this.secretChars >= MAX_BLOCK_CHARS ? this.flushSecret() : [];
    }
    if (this.block.length === 0 && KIND_SECRET.test(line)) {
      this.secret = [...this.recent, { no: this.lines, text: line, found: [] }];
      this.secretChars = this.secret.reduce((n, l) => n + l.text.length + 1, 0);
      this.recent = [];
      return [];
    }
    return this.check(line);
  }

  /** A line outside a Secret manifest. */
  private check(line: string): Finding[] {
    const found = this.checkLine(line);
    if (DOC_SEPARATOR.test(line)) this.recent = [];
    else {
      this.recent.push({ no: this.lines, text: line, found });
      if (this.recent.length > RECENT_LINES) this.recent.shift();
    }
    return found;
  }

  /**
   * The Secret manifest gathered, looked at whole: on the lines before its `kind:` (reported as
   * they came), only what was not reported then; on the others, everything.
   */
  private flushSecret(): Finding[] {
    const doc = this.secret!;
    this.secret = null;
    const text = doc.map((l) => l.text).join("\n");
    const starts: number[] = [];
    let at = 0;
    for (const l of doc) {
      starts.push(at);
      at += l.text.length + 1;
    }
    const out: Finding[] = [];
    for (const m of findMatches(text)) {
      let i = starts.length - 1;
      while (starts[i]! > m.start) i--;
      const l = doc[i]!;
      const column = m.start - starts[i]! + 1;
      const secret = text.slice(m.start, m.end);
      if (l.found.some((f) => column < f.column + f.length && f.column < column + secret.length)) continue;
      out.push({ line: l.no, column, rule: m.rule, preview: preview(secret), length: secret.length });
    }
    return out;
  }

  private checkLine(line: string): Finding[] {
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

  /** At the end of the input: a key block never closed, a Secret manifest. */
  end(): Finding[] {
    if (this.secret !== null) return this.flushSecret();
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
