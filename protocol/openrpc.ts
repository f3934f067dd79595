// Builds the OpenRPC 1.3 document from the method declarations, so the document can never drift
// from what the server validates. `npm run protocol` writes it to protocol/openrpc.json.
import { z } from "zod";
import { errorKinds, type ErrorKind } from "./errors.js";
import type { AnyMethod } from "./index.js";

type JsonSchema = { [key: string]: unknown };

function schemaOf(type: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...schema } = z.toJSONSchema(type, { io, unrepresentable: "any" }) as JsonSchema;
  return schema;
}

function paramDescriptors(method: AnyMethod): JsonSchema[] {
  const schema = schemaOf(method.params, "input");
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

export function buildOpenRpc(methods: readonly AnyMethod[], version: string): JsonSchema {
  return {
    openrpc: "1.3.2",
    info: {
      title: "warden",
      version,
      description:
        "JSON-RPC 2.0 over a Unix socket, one JSON message per line. Params are by-name objects; unknown keys are rejected (-32602). Errors carry a stable data.kind (see components.errors).",
    },
    methods: methods.map((m) => ({
      name: m.name,
      summary: m.summary,
      description: m.description,
      paramStructure: "by-name",
      params: paramDescriptors(m),
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
    components: {
      errors: Object.fromEntries((Object.keys(errorKinds) as ErrorKind[]).map((k) => [k, errorObject(k)])),
    },
  };
}
