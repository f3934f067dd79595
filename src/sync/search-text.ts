// What full-text search indexes of a warden ledger event: terminal output and typed input as plain
// text (escape sequences and control characters removed), titles and argv of opens and launches,
// and the string fields of notes and actions. Resizes, exits and the like are not searchable.
import { decodeBytes, type LedgerEvent } from "../ledger/events.js";

/** CSI, OSC (to BEL or ST), other two-char escapes, and C0 controls except tab and newline. */
const TERMINAL_NOISE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f]/g;
/** Most text one event contributes; the rest of a huge note stays readable, just not searchable. */
const MAX_TEXT = 256 * 1024;

function terminalText(text: string): string {
  return text.replace(TERMINAL_NOISE, "").replace(/\r\n?/g, "\n");
}

function strings(v: unknown, out: string[], budget: { left: number }): void {
  if (budget.left <= 0) return;
  if (typeof v === "string") {
    out.push(v);
    budget.left -= v.length;
  } else if (Array.isArray(v)) for (const x of v) strings(x, out, budget);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) strings(x, out, budget);
}

export function ledgerSearchText(e: LedgerEvent): string {
  const d = e.data as Record<string, unknown>;
  switch (e.kind) {
    case "output":
    case "input":
      if (typeof d.text === "string") return terminalText(d.text).slice(0, MAX_TEXT);
      if (typeof d.b64 !== "string") return ""; // redacted input
      return terminalText(decodeBytes(d).toString("utf8")).slice(0, MAX_TEXT);
    case "resize":
    case "exit":
    case "status":
    case "archive":
    case "close":
      return "";
    default: {
      const out: string[] = [];
      strings(e.kind === "launch" ? { title: d.title, argv: d.argv, cwd: d.cwd } : d, out, { left: MAX_TEXT });
      return out.join(" ").slice(0, MAX_TEXT);
    }
  }
}
