// Options checked against the method's own schema before a read, so a bad value gets the same
// answer with or without a daemon (the daemon would check them at its socket edge).
import type { z } from "zod";
import { methods, type MethodName, type Methods } from "../../protocol/index.js";
import { WardenError } from "../platform/errors.js";

/** The params as the daemon's handler would get them: checked, defaults filled in. */
export type ParsedParams<N extends MethodName> = z.output<Methods[N]["params"]>;

export function parseParams<N extends MethodName>(method: N, raw: Record<string, unknown>): ParsedParams<N> {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const checked = methods[method].params.safeParse(defined);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new WardenError("usage", `${issue.path.join(".") || "request"}: ${issue.message}`, {
      issues: checked.error.issues.map(({ code, path, message }) => ({ code, path, message })),
    });
  }
  return checked.data as ParsedParams<N>;
}
