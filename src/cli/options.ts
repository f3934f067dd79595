import { WardenError } from "../platform/errors.js";

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "15s", "15" (seconds), "2m", "8h", "1d" → milliseconds; anything else is a usage error. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * units[m[2] ?? "s"]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new WardenError("usage", `${option} ${JSON.stringify(text)}: expected a duration such as 500ms, 15s, 2m or 8h`, { option });
  }
  return ms;
}

/** A whole number option in [min, max]; anything else is a usage error naming the option. */
export function parseCount(text: string, option: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new WardenError("usage", `${option} ${JSON.stringify(text)}: expected a whole number from ${min} to ${max}`, { option });
  }
  return n;
}

const SURFACES = ["sessions", "events", "audit", "approvals", "all"] as const;

/** --surface: one of the projection's surfaces, or all. */
export function surfaceOption(text: string): (typeof SURFACES)[number] {
  if (!(SURFACES as readonly string[]).includes(text)) {
    throw new WardenError("usage", `--surface ${JSON.stringify(text)}: expected ${SURFACES.join(", ")}`, { option: "--surface" });
  }
  return text as (typeof SURFACES)[number];
}
