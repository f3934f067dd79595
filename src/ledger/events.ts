// Ledger events: one JSON object per line in ledger/<host>/<session>.jsonl.
//   {v: 1, session, seq, ts, kind, data}
// seq starts at 1 in each session and has no gaps. Payload bytes are kept exact: text when they
// are valid UTF-8, base64 otherwise.

export interface LedgerEvent {
  v: 1;
  session: string;
  seq: number;
  ts: string;
  kind: string;
  data: Record<string, unknown>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as an event field: `{text}` when valid UTF-8, else `{b64}`. */
export function encodeBytes(bytes: Uint8Array): { text: string } | { b64: string } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { b64: Buffer.from(bytes).toString("base64") };
  }
}

export function decodeBytes(field: { text?: string; b64?: string }): Buffer {
  return field.b64 !== undefined ? Buffer.from(field.b64, "base64") : Buffer.from(field.text ?? "", "utf8");
}

/** Parses one ledger line; null for anything that is not a well-formed event. */
export function parseEvent(line: string): LedgerEvent | null {
  let e: Partial<LedgerEvent>;
  try {
    e = JSON.parse(line) as Partial<LedgerEvent>;
  } catch {
    return null;
  }
  if (typeof e !== "object" || e === null || Array.isArray(e)) return null;
  const ok =
    e.v === 1 &&
    typeof e.session === "string" &&
    validSeq(e.seq) &&
    typeof e.ts === "string" &&
    typeof e.kind === "string" &&
    typeof e.data === "object" &&
    e.data !== null &&
    !Array.isArray(e.data);
  return ok ? (e as LedgerEvent) : null;
}

/** A seq as sources may hold it: a positive integer below 10^12 (keys pad it to 12 digits). */
export function validSeq(seq: unknown): seq is number {
  return Number.isInteger(seq) && (seq as number) > 0 && (seq as number) < 1e12;
}
