// What one transcript line may cost the reader thread's heap, judged before it is decoded and
// parsed. The thread's heap limit (sync.readerHeapMb) stops it only between native calls: one
// JSON.parse, or one string decode, runs to its end however far past the limit it goes, and the
// thread's teardown then finds its heap so far over the limit that V8 aborts the whole process,
// the daemon with it. A line too big for the heap therefore ends the thread before it is parsed.

/** Heap per byte of the line at most: its text (two bytes a character at worst), the masked copy, its strings parsed, its events stringified. */
export const BYTE_COST = 8;
/** Heap per structural character counted below, at most: 29 bytes measured (a property of a large object, `"k1":0,`: three counted), doubled for the parser's peak. */
export const VALUE_COST = 64;
/** One line may take this share of the thread's heap; the rest is for what it holds meanwhile (the batch, the importer's state, garbage). */
export const LINE_SHARE = 2;

/** A line the reader thread cannot read within its heap: the thread ends on it (so its file is given up after two tries). */
export class LineTooBigForHeap extends Error {
  constructor(lineNo: number, cost: number, heapBytes: number) {
    super(`line ${lineNo} would need about ${mib(cost)} MiB of the reader thread's ${mib(heapBytes)} MiB heap`);
  }
}

const mib = (bytes: number) => Math.ceil(bytes / (1024 * 1024));

/** The heap a line's decode, masking, parse and fold may need, at most: its bytes, and its values by their structural characters outside strings (a string's opening quote, `{`, `[`, `,`, `:`). */
export function lineCost(text: string): number {
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
      values++;
    } else if (c === 0x7b || c === 0x5b || c === 0x2c || c === 0x3a) values++; // { [ , :
  }
  return text.length * BYTE_COST + values * VALUE_COST;
}
