import { z } from "zod";
import { cursor, isoTime, sessionId } from "../fields.js";
import { defineMethod } from "../method.js";

const sourceName = z.enum(["warden", "claude-code", "codex"]);

export const query = defineMethod({
  name: "search.query",
  summary: "Full-text search over everything recorded and imported",
  description:
    'FTS5 over masked text: terminal output and typed input of warden sessions, notes, and the messages, tool calls and tool results of imported Claude Code and Codex transcripts. By default q is plain words, all of which must occur (prefix match on the last one); syntax `fts` passes q to FTS5 as is (AND, OR, NOT, "phrases", NEAR, prefix*), and a malformed query is invalid_params. Best matches first; page on with nextCursor.',
  params: z.strictObject({
    q: z.string().min(1).max(1000),
    syntax: z.enum(["words", "fts"]).default("words"),
    session: sessionId.optional(),
    host: z.string().max(64).optional(),
    source: sourceName.optional(),
    kind: z.string().max(32).optional().describe("Only events of this kind: output, input, user, assistant, tool_call, tool_result, …"),
    since: isoTime.optional().describe("Only events at or after it (ISO-8601)"),
    limit: z.number().int().min(1).max(500).default(20),
    cursor: cursor.optional(),
  }),
  result: z.object({
    results: z.array(
      z.object({
        session: z.string(),
        seq: z.number().int(),
        ts: z.string(),
        kind: z.string(),
        host: z.string(),
        source: z.string(),
        title: z.string().nullable(),
        snippet: z.string().describe("The matching passage, matches between « and »"),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
  errors: ["invalid_params", "not_found", "unavailable"],
});
