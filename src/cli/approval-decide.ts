// What `warden approve` and `warden deny` share: their options turned into approvals.decide
// params (every usage error found before the daemon is asked), the call, and the line printed.
import type { ParamsOf, ResultOf } from "../../protocol/index.js";
import { WardenError } from "../platform/errors.js";
import { clientSocketPath } from "../platform/paths.js";
import { callOnce } from "../rpc/client.js";
import { formatSecs } from "./format.js";
import { parseDuration } from "./options.js";
import { parseParams } from "./params.js";
import { CLI_CALL } from "./timeouts.js";

/** `warden approve` without --for or --once: a grant for the next few reads of the same task. */
export const DEFAULT_GRANT = "10m";

type DecideParams = ParamsOf<"approvals.decide">;

/** --for (a duration, whole seconds up to 30 days) or --once; never both. */
export function approveParams(request: string, forText: string | undefined, once: boolean): DecideParams {
  if (once && forText !== undefined) throw new WardenError("usage", "--for and --once contradict each other: give one", { option: "--once" });
  if (once) return parseParams("approvals.decide", { request, decision: "approve", once: true });
  const ms = parseDuration(forText ?? DEFAULT_GRANT, "--for");
  if (ms % 1000 !== 0 || ms > 30 * 86_400_000) {
    throw new WardenError("usage", `--for ${JSON.stringify(forText)}: expected whole seconds up to 30d, such as 30s, 10m or 2h`, { option: "--for" });
  }
  return parseParams("approvals.decide", { request, decision: "approve", for: ms / 1000 });
}

export function denyParams(request: string, reason: string | undefined): DecideParams {
  return parseParams("approvals.decide", { request, decision: "deny", reason });
}

export function decide(params: DecideParams): Promise<ResultOf<"approvals.decide">> {
  return callOnce(clientSocketPath(), "approvals.decide", params, CLI_CALL);
}

/** "approved r-…: session S may read work/TOKEN for 10m (grant g-…)", "denied r-… (work/TOKEN, session S)". */
export function decidedText({ request: r, grant: g }: ResultOf<"approvals.decide">): string {
  const entry = `${r.vault}/${r.name}`;
  const session = r.session ?? "(unknown)";
  if (!g) return `denied ${r.id} (${entry}, session ${session})`;
  const term = g.once || g.until === null ? "for one read" : `for ${formatSecs(Math.round((Date.parse(g.until) - Date.parse(g.ts)) / 1000))}`;
  return `approved ${r.id}: session ${session} may read ${entry} ${term} (grant ${g.id})`;
}
