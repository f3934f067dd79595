// Renders the generated parts of the protocol documentation from the method and notification
// declarations: protocol/openrpc.json whole, and the errors, methods and notifications sections of
// PROTOCOL.md between their markers. Pure functions: `npm run protocol` writes, and a test checks
// the files are current.
import { errorKinds, methodList, notificationList, type AnyMethod, type AnyNotification } from "../protocol/index.js";
import { buildOpenRpc } from "../protocol/openrpc.js";

type Schema = Record<string, unknown>;

export function renderOpenRpc(version: string): string {
  return JSON.stringify(buildOpenRpc(methodList, version, notificationList), null, 2) + "\n";
}

function typeOf(s: Schema): string {
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  const limits = ["minimum", "maximum", "minLength", "maxLength", "maxItems"]
    .filter((k) => k in s && Math.abs(Number(s[k])) !== Number.MAX_SAFE_INTEGER)
    .map((k) => `${k} ${String(s[k])}`);
  const base = s.type === "integer" ? "integer" : String(s.type ?? "any");
  return limits.length ? `${base} (${limits.join(", ")})` : base;
}

/** Leaf fields of an object schema as [dotted.path, schema] pairs; objects without listed properties are leaves. */
function flatten(s: Schema, prefix: string): Array<[string, Schema]> {
  const props = s.properties as Record<string, Schema> | undefined;
  if (s.type !== "object" || !props || Object.keys(props).length === 0) return [[prefix || "(result)", s]];
  return Object.entries(props).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return v.type === "object" && v.properties ? [[path, v] as [string, Schema], ...flatten(v, path)] : [[path, v] as [string, Schema]];
  });
}

function renderMethod(m: AnyMethod, doc: { methods: Schema[] }): string {
  const entry = doc.methods.find((d) => d.name === m.name)!;
  const params = entry.params as Array<{ name: string; required: boolean; description?: string; schema: Schema }>;
  const lines = [`### \`${m.name}\``, "", `**${m.summary}.** ${m.description}`, ""];
  lines.push(`Served to agents: ${m.agent ? "yes" : "no"}.`, "");
  if (params.length === 0) lines.push("Params: none (`{}` or omitted).", "");
  else {
    lines.push("| param | type | required | description |", "|---|---|---|---|");
    for (const p of params) lines.push(`| \`${p.name}\` | ${typeOf(p.schema)} | ${p.required ? "yes" : "no"} | ${p.description ?? ""} |`);
    lines.push("");
  }
  lines.push("| result field | type | description |", "|---|---|---|");
  for (const [path, field] of flatten((entry.result as Schema).schema as Schema, "")) {
    lines.push(`| \`${path}\` | ${typeOf(field)} | ${String(field.description ?? "")} |`);
  }
  lines.push("");
  if (m.example) {
    const request = { jsonrpc: "2.0", id: 1, method: m.name, params: m.example.params };
    const reply = { jsonrpc: "2.0", id: 1, result: m.example.result };
    lines.push("Example:", "", "```", `→ ${JSON.stringify(request)}`, `← ${JSON.stringify(reply)}`, "```", "");
  }
  return lines.join("\n");
}

export function renderMethodsSection(version: string): string {
  const doc = buildOpenRpc(methodList, version) as { methods: Schema[] };
  return methodList.map((m) => renderMethod(m, doc)).join("\n");
}

type ParamDescriptor = { name: string; required: boolean; description?: string; schema: Schema };

function renderNotification(n: AnyNotification, doc: { "x-notifications": Schema[] }): string {
  const entry = doc["x-notifications"].find((d) => d.name === n.name)!;
  const params = entry.params as ParamDescriptor[];
  const lines = [`### \`${n.name}\``, "", `**${n.summary}.** ${n.description}`, ""];
  lines.push(`Sent after: ${n.sentBy.map((m) => `\`${m}\``).join(", ")}.`, "");
  lines.push("| param | type | description |", "|---|---|---|");
  for (const p of params) {
    lines.push(`| \`${p.name}\` | ${typeOf(p.schema)} | ${p.description ?? ""} |`);
    if (p.schema.type === "object" && p.schema.properties) {
      for (const [path, field] of flatten(p.schema, p.name)) lines.push(`| \`${path}\` | ${typeOf(field)} | ${String(field.description ?? "")} |`);
    }
  }
  lines.push("");
  if (n.example) lines.push("Example:", "", "```", `← ${JSON.stringify({ jsonrpc: "2.0", method: n.name, params: n.example })}`, "```", "");
  return lines.join("\n");
}

export function renderNotificationsSection(version: string): string {
  const doc = buildOpenRpc(methodList, version, notificationList) as { "x-notifications": Schema[] };
  return notificationList.map((n) => renderNotification(n, doc)).join("\n");
}

export function renderErrorsSection(): string {
  const rows = Object.entries(errorKinds).map(([kind, e]) => `| ${e.code} | \`${kind}\` | ${e.summary} |`);
  return ["| code | data.kind | meaning |", "|---|---|---|", ...rows, ""].join("\n");
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->`. */
export function replaceSection(doc: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin (generated by npm run protocol) -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`PROTOCOL.md lacks the ${name} markers`);
  return doc.slice(0, i + begin.length) + "\n\n" + body.trimEnd() + "\n\n" + doc.slice(j);
}

export function renderProtocolMd(current: string, version: string): string {
  const withErrors = replaceSection(current, "errors", renderErrorsSection());
  return replaceSection(replaceSection(withErrors, "methods", renderMethodsSection(version)), "notifications", renderNotificationsSection(version));
}
