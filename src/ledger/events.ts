// Ledger events: one JSON object per line in ledger/<host>/<session>.jsonl.
//   {v: 1, session, seq, ts, kind, data}
// seq starts at 1 in each session and has no gaps. Payload bytes are kept exact: text when they
// are valid UTF-8, base64 otherwise.
import type { LedgerEvent } from "../../protocol/index.js";
import { native } from "../platform/native.js";

/** Declared once, by the protocol's schema of an event (events.read, the event notification). */
export type { LedgerEvent };

/**
 * The ledger line of `event` with `bytes` added to its data, last: as `text` when they are valid
 * UTF-8, else as `b64`. The text is written from the bytes in one native pass (decoding them,
 * JSON.stringify and encoding back cost four times as much on the output path) and is decoded
 * into event.data only if something reads it. Byte-exact: a leading U+FEFF stays.
 */
export function lineWithBytes(event: LedgerEvent, bytes: Uint8Array): Buffer {
  const json = JSON.stringify(event); // data is its last field: it ends in "}}"
  const open = `${json.slice(0, -2)}${Object.keys(event.data).length > 0 ? "," : ""}"text":`;
  const line = native().jsonText(bytes, open, "}}\n");
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (line) {
    let text: string | undefined;
    Object.defineProperty(event.data, "text", { enumerable: true, configurable: true, get: () => (text ??= view.toString("utf8")) });
    return line;
  }
  event.data.b64 = view.toString("base64");
  return Buffer.from(JSON.stringify(event) + "\n");
}

/** The bytes of recorded data (`{text}` or `{b64}`), as read from a line of any origin: a field that is not a string is no bytes. */
export function decodeBytes(field: { text?: unknown; b64?: unknown }): Buffer {
  if (typeof field.b64 === "string") return Buffer.from(field.b64, "base64");
  return Buffer.from(typeof field.text === "string" ? field.text : "", "utf8");
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
