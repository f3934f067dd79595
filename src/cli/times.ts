// The one parser for every time a command takes (--since): the protocol's ISO-8601 form, or a
// duration back from now. Apart from options.ts because it loads zod, which most commands do not need.
import { isoTime } from "../../protocol/fields.js";
import { WardenError } from "../platform/errors.js";
import { parseDuration } from "./options.js";

/** --since and every other time a command takes: an ISO-8601 date or date-time, or a duration back from now (30m, 2h, 7d); as UTC ISO. */
export function parseSince(text: string, option: string): string {
  if (isoTime.safeParse(text).success) return new Date(text).toISOString();
  let ms: number;
  try {
    ms = parseDuration(text, option);
  } catch {
    throw new WardenError(
      "usage",
      `${option} ${JSON.stringify(text)}: expected an ISO time (2026-11-01, 2026-11-01T09:30:00Z) or a duration such as 30m, 2h or 7d`,
      { option },
    );
  }
  return new Date(Date.now() - ms).toISOString();
}
