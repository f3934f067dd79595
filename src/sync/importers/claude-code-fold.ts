// The Claude Code transcript fold: one `~/.claude/projects/**/*.jsonl` file's records → events.
//
// Records: `user` (text, images, tool_result blocks), `assistant` (text, thinking, tool_use blocks
// and `message.usage`), `summary`, `custom-title`, `system`; everything else (file-history-snapshot,
// queue-operation, progress, …) is skipped. Claude Code writes one line per streamed content block,
// all sharing (message.id, requestId); each repeats `usage`, and the last one carries the final
// counts. Per pair: a block already emitted is not emitted again (a tool_use whose input changed
// replaces its event), and usage is one `token_usage` event whose seq is taken at first sight and
// re-issued when a later chunk's counts differ. The last 256 pairs are remembered.
//
// Noise policy: `isMeta` user records (command caveats, expanded skill prompts) are skipped;
// `<system-reminder>…</system-reminder>` spans are cut out of user text; slash commands become user
// events with text "/cmd args"; `<local-command-stdout|stderr>`, compaction summaries and
// "[Request interrupted by user…]" become `system` events. None of those set the title.
import { z } from "zod";
import {
  type Json,
  IMAGE_PLACEHOLDER,
  SessionFold,
  count,
  foldStateSchema,
  isObj,
  nonEmpty,
  parseState,
  sameTokens,
  sessionIdOr,
  shortHash,
  str,
  titleLine,
  tokenCountsSchema,
  zeroTokens,
} from "./common.js";
import { blockEvent, toolResultOutput } from "./claude-code-blocks.js";
import type { TokenCounts, TranscriptEvent, TranscriptImporter, TranscriptSession } from "./types.js";

const PAIR_WINDOW = 256;
const BLOCKS_PER_PAIR = 64;
/** Bookkeeping records that carry nothing for warden (not counted as unknown). */
const IGNORED_TYPES = new Set(["file-history-snapshot", "queue-operation", "progress", "last-prompt", "agent-name", "permission-mode", "mode"]);
const SYSTEM_REMINDER = /<system-reminder>[\s\S]*?<\/system-reminder>/g;
const COMMAND_NAME = /<command-name>([\s\S]*?)<\/command-name>/;
const COMMAND_ARGS = /<command-args>([\s\S]*?)<\/command-args>/;
const LOCAL_OUTPUT = /^\s*<local-command-(stdout|stderr)>([\s\S]*?)<\/local-command-\1>\s*$/;
const INTERRUPTED = /^\[Request interrupted by user[^\]]*\]$/;

/** One (message.id, requestId) pair's dedup record. */
const pairSchema = z.object({
  /** First-sight ts, reused by replacements. */
  ts: z.string(),
  /** The token_usage event's seq and counts, once seen. */
  u: z.number().int().nullable(),
  t: tokenCountsSchema.nullable(),
  /** [block key, seq, content hash] of the blocks emitted for this message. */
  b: z.array(z.tuple([z.string(), z.number().int(), z.string()])),
});
type Pair = z.infer<typeof pairSchema>;

const claudeStateSchema = z.object({
  v: z.literal(1),
  fold: foldStateSchema,
  customTitle: z.string().nullable(),
  summary: z.string().nullable(),
  firstUser: z.string().nullable(),
  pairs: z.array(z.tuple([z.string(), pairSchema])),
});
type ClaudeState = z.infer<typeof claudeStateSchema>;

export class ClaudeCodeFold implements TranscriptImporter {
  private readonly fold: SessionFold;
  private customTitle: string | null = null;
  private summary: string | null = null;
  private firstUser: string | null = null;
  private readonly pairs = new Map<string, Pair>();
  /** Older top-level agent files name their parent session in every record's sessionId. */
  private readonly parentFromRecords: boolean;

  constructor(id: string, parent: string | null, parentFromRecords: boolean, state?: unknown) {
    this.parentFromRecords = parentFromRecords;
    if (state === undefined) {
      this.fold = new SessionFold("claude-code", id);
      this.fold.setParent(parent);
      return;
    }
    const s = parseState("claude-code", claudeStateSchema, state);
    this.fold = new SessionFold("claude-code", id, s.fold);
    this.customTitle = s.customTitle;
    this.summary = s.summary;
    this.firstUser = s.firstUser;
    for (const [k, p] of s.pairs) this.pairs.set(k, p);
  }

  push(record: unknown, _lineNo: number): TranscriptEvent[] {
    if (!isObj(record)) return this.fold.skip(true);
    const type = str(record.type);
    switch (type) {
      case "user":
      case "assistant":
        if (!isObj(record.message)) return this.fold.skip(true);
        this.noteContext(record);
        return type === "user" ? this.user(record, record.message) : this.assistant(record, record.message);
      case "summary": {
        const text = nonEmpty(record.summary);
        if (text === null) return this.fold.skip(true);
        this.summary = titleLine(text);
        return [];
      }
      case "custom-title": {
        const text = nonEmpty(record.customTitle);
        if (text === null) return this.fold.skip(true);
        this.customTitle = titleLine(text);
        return [];
      }
      case "system":
        this.noteContext(record);
        return this.system(record);
      default:
        return this.fold.skip(type === null || !IGNORED_TYPES.has(type));
    }
  }

  session(): TranscriptSession {
    return this.fold.session(this.customTitle ?? this.summary ?? this.firstUser);
  }

  state(): ClaudeState {
    return {
      v: 1,
      fold: this.fold.state(),
      customTitle: this.customTitle,
      summary: this.summary,
      firstUser: this.firstUser,
      pairs: structuredClone([...this.pairs]),
    };
  }

  private noteContext(r: Json): void {
    this.fold.noteCwd(r.cwd);
    this.fold.setMeta("version", nonEmpty(r.version));
    this.fold.setMeta("gitBranch", nonEmpty(r.gitBranch));
    const sid = nonEmpty(r.sessionId);
    if (sid !== null && !this.fold.hasMeta("claudeSessionId")) {
      this.fold.setMeta("claudeSessionId", sid);
      if (this.parentFromRecords && this.fold.parent === null) this.fold.setParent(sessionIdOr("claude-", sid));
    }
    if (!this.fold.hasMeta("agentId")) this.fold.setMeta("agentId", nonEmpty(r.agentId));
    if (r.isSidechain === true) this.fold.setMeta("sidechain", true);
  }

  private user(r: Json, msg: Json): TranscriptEvent[] {
    const ts = this.fold.at(r.timestamp);
    if (r.isMeta === true) return this.fold.skip();
    const out: TranscriptEvent[] = [];
    if (typeof msg.content === "string") {
      this.userText(ts, msg.content, r.isCompactSummary === true, out);
    } else if (Array.isArray(msg.content)) {
      let parts: string[] = [];
      const flush = (): void => {
        if (parts.length > 0) this.userText(ts, parts.join("\n\n"), r.isCompactSummary === true, out);
        parts = [];
      };
      for (const block of msg.content) {
        if (!isObj(block)) continue;
        if (block.type === "text" && typeof block.text === "string") parts.push(block.text);
        else if (block.type === "image") parts.push(IMAGE_PLACEHOLDER);
        else if (block.type === "document") parts.push("[document]");
        else if (block.type === "tool_result") {
          flush();
          const output = toolResultOutput(block.content);
          out.push(this.fold.event(ts, "tool_result", { callId: str(block.tool_use_id), output, isError: block.is_error === true }, output));
        }
      }
      flush();
    } else {
      return this.fold.skip(true);
    }
    return out.length > 0 ? out : this.fold.skip();
  }

  /** One user text (possibly several text/image blocks joined) → the event its kind calls for. */
  private userText(ts: string, raw: string, compactSummary: boolean, out: TranscriptEvent[]): void {
    const text = raw.includes("<system-reminder>") ? raw.replace(SYSTEM_REMINDER, "").trim() : raw.trim();
    if (text.length === 0) return;
    if (compactSummary) {
      out.push(this.fold.event(ts, "system", { text, compactSummary: true }, text));
      return;
    }
    // A slash command's record starts with its tags; a message that merely quotes them does not.
    const command = text.startsWith("<command-") && text.length < 65536 ? COMMAND_NAME.exec(text) : null;
    if (command !== null) {
      const name = (command[1] ?? "").trim();
      const args = (COMMAND_ARGS.exec(text)?.[1] ?? "").trim();
      const line = args.length > 0 ? `${name} ${args}` : name;
      out.push(this.fold.event(ts, "user", { text: line, command: name, args }, line));
      return;
    }
    const localOut = text.startsWith("<local-command-") ? LOCAL_OUTPUT.exec(text) : null;
    if (localOut !== null) {
      const body = (localOut[2] ?? "").trim();
      if (body.length > 0) out.push(this.fold.event(ts, "system", { text: body, localCommand: localOut[1] }, body));
      return;
    }
    if (INTERRUPTED.test(text)) {
      out.push(this.fold.event(ts, "system", { text, interrupted: true }, text));
      return;
    }
    out.push(this.fold.event(ts, "user", { text }, text));
    if (this.firstUser === null) {
      this.firstUser = titleLine(text.split(IMAGE_PLACEHOLDER).join(" "));
    }
  }

  private assistant(r: Json, msg: Json): TranscriptEvent[] {
    const ts = this.fold.at(r.timestamp);
    const model = nonEmpty(msg.model);
    if (model !== null && model !== "<synthetic>") this.fold.noteModel(model);
    const blocks: unknown[] = typeof msg.content === "string" ? [{ type: "text", text: msg.content }] : Array.isArray(msg.content) ? msg.content : [];
    const messageId = nonEmpty(msg.id);
    const pair = messageId === null ? null : this.pair(`${messageId}|${str(r.requestId) ?? ""}`, ts);
    const out: TranscriptEvent[] = [];
    for (const block of blocks) {
      const ev = blockEvent(block);
      if (ev === null) continue;
      if (pair === null) {
        out.push(this.fold.event(ts, ev.kind, ev.data, ev.text));
        continue;
      }
      const hash = shortHash(JSON.stringify(block));
      const key = ev.kind === "tool_call" && typeof ev.data.callId === "string" ? `tu:${ev.data.callId}` : `h:${hash}`;
      const seen = pair.b.find((b) => b[0] === key);
      if (seen === undefined) {
        const e = this.fold.event(ts, ev.kind, ev.data, ev.text);
        pair.b.push([key, e.seq, hash]);
        if (pair.b.length > BLOCKS_PER_PAIR) pair.b.shift();
        out.push(e);
      } else if (seen[2] !== hash) {
        seen[2] = hash;
        out.push({ seq: seen[1], ts: pair.ts, kind: ev.kind, data: ev.data, text: ev.text });
      }
    }
    const t = isObj(msg.usage) ? claudeTokens(msg.usage) : null;
    // All-zero usage (synthetic API-error messages) is no usage; a pair may still get counts later.
    if (t !== null && ((pair !== null && pair.t !== null) || !sameTokens(t, zeroTokens()))) {
      const data = { ...t, model, messageId };
      if (pair === null) {
        this.fold.addTokens(t);
        out.push(this.fold.event(ts, "token_usage", data, ""));
      } else if (pair.u === null || pair.t === null) {
        this.fold.addTokens(t);
        const e = this.fold.event(ts, "token_usage", data, "");
        pair.u = e.seq;
        pair.t = t;
        out.push(e);
      } else if (!sameTokens(pair.t, t)) {
        this.fold.addTokens(pair.t, -1);
        this.fold.addTokens(t);
        pair.t = t;
        out.push({ seq: pair.u, ts: pair.ts, kind: "token_usage", data, text: "" });
      }
    }
    if (blocks.length === 0 && !isObj(msg.usage)) return this.fold.skip(true);
    return out;
  }

  private pair(key: string, ts: string): Pair {
    let p = this.pairs.get(key);
    if (p === undefined) {
      p = { ts, u: null, t: null, b: [] };
      this.pairs.set(key, p);
      if (this.pairs.size > PAIR_WINDOW) {
        const oldest = this.pairs.keys().next().value;
        if (oldest !== undefined) this.pairs.delete(oldest);
      }
    }
    return p;
  }

  private system(r: Json): TranscriptEvent[] {
    const ts = this.fold.at(r.timestamp);
    const subtype = nonEmpty(r.subtype);
    const content = nonEmpty(r.content)?.trim() ?? "";
    const text = content.length > 0 ? content : subtype === "compact_boundary" ? "Conversation compacted" : "";
    if (text.length === 0) return this.fold.skip(subtype === null);
    return [this.fold.event(ts, "system", { text, subtype, level: nonEmpty(r.level) }, text)];
  }
}

/** Anthropic usage fields do not overlap: input excludes both cache counts. */
function claudeTokens(u: Json): TokenCounts {
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cacheRead: count(u.cache_read_input_tokens),
    cacheWrite: count(u.cache_creation_input_tokens),
    reasoning: 0,
  };
}
