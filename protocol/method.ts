import type { z } from "zod";
import type { ErrorKind } from "./errors.js";

/**
 * One RPC method, declared once. The daemon validates params with `params` and types its handler
 * from both schemas; the CLI's client is typed from them; the OpenRPC document is generated from
 * them. Params are always a by-name object: declare it with `z.strictObject` so unknown keys fail.
 */
export interface MethodSpec<Name extends string = string, P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly name: Name;
  readonly summary: string;
  readonly description: string;
  readonly params: P;
  readonly result: R;
  /** Served to agents too: sessions' processes on either socket, and anyone on agent.sock. Default: no. */
  readonly agent?: boolean;
  /** Error kinds this method may return beyond the standard ones; documented in OpenRPC. */
  readonly errors?: readonly ErrorKind[];
  /** One example request params object and its result, for PROTOCOL.md and OpenRPC. */
  readonly example?: { readonly params: z.input<P>; readonly result: z.output<R> };
}

export function defineMethod<Name extends string, P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<Name, P, R>): MethodSpec<Name, P, R> {
  return spec;
}
