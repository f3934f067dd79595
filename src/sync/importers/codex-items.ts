// Codex response items (the Responses API history a rollout records) → event payloads. Image data
// (`input_image.image_url` is often a base64 data URL) and `encrypted_content` are never kept.
import { type Json, IMAGE_PLACEHOLDER, isObj, str } from "./common.js";
import type { TranscriptEventKind } from "./types.js";

export interface ItemEvent {
  kind: TranscriptEventKind;
  data: Json;
  text: string;
}

/** An item's event; "ignored" for known items warden does not keep; "unknown" for the rest. */
export type ItemResult = ItemEvent | "ignored" | "unknown";

/**
 * Context Codex injects as user messages at the start of every session (and after compaction):
 * the environment block, user instructions, AGENTS.md contents. Not what the person typed.
 */
const INJECTED_USER_TEXT = ["<environment_context>", "<user_instructions>", "# AGENTS.md instructions for", "<INSTRUCTIONS>"];
/** Known item types that carry nothing searchable (or only opaque / binary data). */
const IGNORED_ITEMS = new Set(["ghost_snapshot", "compaction", "compaction_summary", "image_generation_call", "tool_search_call", "tool_search_output"]);

export function itemEvent(item: Json): ItemResult {
  switch (item.type) {
    case "message":
      return message(item);
    case "reasoning": {
      const text = texts(item.summary).join("\n\n") || texts(item.content).join("\n\n");
      return text.trim().length > 0 ? { kind: "reasoning", data: { text }, text } : "ignored";
    }
    case "function_call": {
      const name = str(item.name) ?? "unknown";
      const args = str(item.arguments) ?? "";
      return { kind: "tool_call", data: { name, input: parseArguments(args), callId: str(item.call_id) }, text: `${name} ${args}` };
    }
    case "custom_tool_call": {
      const name = str(item.name) ?? "unknown";
      const input = str(item.input) ?? "";
      return { kind: "tool_call", data: { name, input, callId: str(item.call_id) }, text: `${name} ${input}` };
    }
    case "local_shell_call": {
      const action = isObj(item.action) ? item.action : {};
      const command = Array.isArray(action.command) ? action.command.filter((c): c is string => typeof c === "string") : [];
      const callId = str(item.call_id) ?? str(item.id);
      return { kind: "tool_call", data: { name: "local_shell", input: action, callId }, text: `local_shell ${command.join(" ")}`.trim() };
    }
    case "web_search_call": {
      const action = isObj(item.action) ? item.action : {};
      const target = str(action.query) ?? str(action.url) ?? "";
      return { kind: "tool_call", data: { name: "web_search", input: action, callId: str(item.id) }, text: `web_search ${target}`.trim() };
    }
    case "function_call_output":
    case "custom_tool_call_output": {
      const out = toolOutput(item.output);
      const data: Json = { callId: str(item.call_id), output: out.text, isError: out.isError };
      if (out.exitCode !== null) data.exitCode = out.exitCode;
      return { kind: "tool_result", data, text: out.text };
    }
    default:
      return typeof item.type === "string" && IGNORED_ITEMS.has(item.type) ? "ignored" : "unknown";
  }
}

function message(item: Json): ItemResult {
  const role = str(item.role);
  if (!Array.isArray(item.content)) return "unknown";
  if (role === "developer" || role === "system") return "ignored"; // injected instructions and policies
  if (role !== "user" && role !== "assistant") return "unknown";
  const parts: string[] = [];
  for (const c of item.content) {
    if (!isObj(c)) continue;
    if (c.type === "input_image" || c.type === "output_image") parts.push(IMAGE_PLACEHOLDER);
    else if (typeof c.text === "string" && !(role === "user" && isInjected(c.text))) parts.push(c.text);
  }
  const text = parts.join("\n\n");
  if (text.trim().length === 0) return "ignored";
  return { kind: role, data: { text }, text };
}

/** The working directory an injected `<environment_context>` names (older rollouts have no other). */
export function environmentCwd(item: Json): string | null {
  if (item.type !== "message" || item.role !== "user" || !Array.isArray(item.content)) return null;
  for (const c of item.content) {
    const text = isObj(c) ? str(c.text) : null;
    if (text === null || !text.trimStart().startsWith("<environment_context>")) continue;
    const m = /<cwd>([^<\n]{1,4096})<\/cwd>/.exec(text.slice(0, 65536));
    if (m?.[1] !== undefined) return m[1].trim();
  }
  return null;
}

function isInjected(text: string): boolean {
  const head = text.slice(0, 256).trimStart();
  return INJECTED_USER_TEXT.some((p) => head.startsWith(p));
}

/** The `text` of each `{type, text}` entry in a list. */
function texts(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isObj)
    .map((e) => str(e.text))
    .filter((t): t is string => t !== null && t.length > 0);
}

/** Function-call arguments are a JSON string; kept as a string when they do not parse. */
function parseArguments(args: string): unknown {
  if (args.length === 0) return null;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

interface ToolOutput {
  text: string;
  isError: boolean;
  exitCode: number | null;
}

/**
 * A tool output: a plain string; a list of content items (text, images → "[image]"); an object
 * `{content, success}`; or (rollouts before ~Sept 2025) a string holding JSON
 * `{"output": "...", "metadata": {"exit_code": n, ...}}`, which is unwrapped.
 */
export function toolOutput(output: unknown): ToolOutput {
  if (typeof output === "string") {
    if (output.startsWith("{") && output.includes('"output"')) {
      try {
        const inner = JSON.parse(output) as unknown;
        if (isObj(inner) && typeof inner.output === "string") {
          const code = isObj(inner.metadata) && typeof inner.metadata.exit_code === "number" ? inner.metadata.exit_code : null;
          return { text: inner.output, isError: code !== null && code !== 0, exitCode: code };
        }
      } catch {
        // not JSON after all: the string is the output
      }
    }
    return { text: output, isError: false, exitCode: null };
  }
  if (Array.isArray(output)) {
    const parts = output
      .filter(isObj)
      .map((c) => (c.type === "input_image" ? IMAGE_PLACEHOLDER : (str(c.text) ?? "")))
      .filter((t) => t.length > 0);
    return { text: parts.join("\n"), isError: false, exitCode: null };
  }
  if (isObj(output)) {
    const inner = Array.isArray(output.content) ? toolOutput(output.content).text : (str(output.content) ?? "");
    return { text: inner, isError: output.success === false, exitCode: null };
  }
  return { text: "", isError: false, exitCode: null };
}
