// Claude Code (Anthropic Messages API) content blocks → event payloads. Image bytes are never kept:
// an image block becomes "[image]".
import { type Json, IMAGE_PLACEHOLDER, isObj, str } from "./common.js";
import type { TranscriptEventKind } from "./types.js";

export interface BlockEvent {
  kind: TranscriptEventKind;
  data: Json;
  text: string;
}

/** An assistant content block's event, or null for blocks warden does not keep (redacted thinking, unknown). */
export function blockEvent(block: unknown): BlockEvent | null {
  if (!isObj(block)) return null;
  switch (block.type) {
    case "text": {
      const text = str(block.text);
      return text === null || text.trim().length === 0 ? null : { kind: "assistant", data: { text }, text };
    }
    case "thinking": {
      const text = str(block.thinking);
      return text === null || text.trim().length === 0 ? null : { kind: "reasoning", data: { text }, text };
    }
    case "tool_use":
    case "server_tool_use": {
      const name = str(block.name) ?? "unknown";
      const input = block.input === undefined ? null : block.input;
      const callId = str(block.id);
      return { kind: "tool_call", data: { name, input, callId }, text: `${name} ${compactJson(input)}` };
    }
    case "image":
      return { kind: "assistant", data: { text: IMAGE_PLACEHOLDER }, text: IMAGE_PLACEHOLDER };
    default:
      // web_search_tool_result and friends: results of server tools; redacted_thinking: opaque.
      if (typeof block.type === "string" && block.type.endsWith("_tool_result")) {
        const output = toolResultOutput(block.content);
        return { kind: "tool_result", data: { callId: str(block.tool_use_id), output, isError: false }, text: output };
      }
      return null;
  }
}

/** A tool_result's content (a string or a list of blocks) as text; images become "[image]". */
export function toolResultOutput(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const b of content) {
    if (!isObj(b)) continue;
    if (b.type === "text" && typeof b.text === "string") parts.push(b.text);
    else if (b.type === "image") parts.push(IMAGE_PLACEHOLDER);
    else if (b.type === "document") parts.push("[document]");
    else if (typeof b.title === "string" && typeof b.url === "string") parts.push(`${b.title} ${b.url}`);
  }
  return parts.join("\n");
}

function compactJson(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
}
