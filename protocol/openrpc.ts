// Builds the OpenRPC 1.3 document from the method and notification declarations, so the document
// can never drift from what the server validates. `npm run protocol` writes it to
// protocol/openrpc.json.
//
// OpenRPC has no server-to-client notifications: `methods` lists what the server serves (a method
// without a result there is one a client may send as a notification). So the daemon's
// notifications go in an `x-notifications` extension (x- fields are the spec's way to extend),
// each shaped like a method object without `result`, with `x-sent-by` naming the methods that
// start them: generators and playgrounds that read `methods` do not offer `event` as callable.
import { z } from "zod";
import { errorKinds, type ErrorKind } from "./errors.js";
import type { AnyMethod, AnyNotification } from "./index.js";

type JsonSchema = { [key: string]: unknown };

function schemaOf(type: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...schema } = z.toJSONSchema(type, { io, unrepresentable: "any" }) as JsonSchema;
  return schema;
}

function paramDescriptors(params: z.ZodType): JsonSchema[] {
  const schema = schemaOf(params, "input");
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return { name, required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function errorObject(kind: ErrorKind): JsonSchema {
  return { code: errorKinds[kind].code, message: errorKinds[kind].summary, data: { kind } };
}

function notificationObject(n: AnyNotification): JsonSchema {
  return {
    name: n.name,
    summary: n.summary,
    description: n.description,
    paramStructure: "by-name",
    params: paramDescriptors(n.params),
    ...(n.example ? { examples: [{ name: `${n.name} example`, params: Object.entries(n.example as object).map(([name, value]) => ({ name, value })) }] } : {}),
    "x-sent-by": n.sentBy,
  };
}

/** The document for `methods`, and of `notifications` those the daemon sends after one of them. */
export function buildOpenRpc(methods: readonly AnyMethod[], version: string, notifications: readonly AnyNotification[] = []): JsonSchema {
  const served = new Set(methods.map((m) => m.name));
  const sent = notifications.filter((n) => n.sentBy.some((m) => served.has(m)));
  return {
    openrpc: "1.3.2",
    info: {
      title: "warden",
      version,
      description:
        "JSON-RPC 2.0 over a Unix socket, one JSON message per line. Params are by-name objects; unknown keys are rejected (-32602). Errors carry a stable data.kind (see components.errors). What the daemon sends unasked (JSON-RPC notifications, never answered) is in x-notifications.",
    },
    methods: methods.map((m) => ({
      name: m.name,
      summary: m.summary,
      description: m.description,
      paramStructure: "by-name",
      params: paramDescriptors(m.params),
      // "input" so the schema does not forbid extra fields: later versions may add result fields.
      result: { name: `${m.name}.result`, schema: schemaOf(m.result, "input") },
      ...(m.errors?.length ? { errors: m.errors.map(errorObject) } : {}),
      ...(m.example
        ? {
            examples: [
              {
                name: `${m.name} example`,
                params: Object.entries(m.example.params as object).map(([name, value]) => ({ name, value })),
                result: { name: `${m.name}.result`, value: m.example.result },
              },
            ],
          }
        : {}),
      "x-agent-socket": m.agent ?? false,
    })),
    "x-notifications": sent.map(notificationObject),
    components: {
      errors: Object.fromEntries((Object.keys(errorKinds) as ErrorKind[]).map((k) => [k, errorObject(k)])),
    },
  };
}
