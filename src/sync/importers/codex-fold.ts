// The Codex rollout fold: one `~/.codex/sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl` → events.
//
// Current format (since ~Sept 2025): `{timestamp, type, payload}` lines — session_meta,
// response_item, event_msg, turn_context, compacted. Older format: a first line
// `{id, timestamp, instructions, git}`, then bare response items (no timestamp) and
// `{record_type: "state"}` lines. Response items are the history; event_msg user_message /
// agent_message / agent_reasoning repeat them and are skipped, so nothing is emitted twice.
//
// Tokens: event_msg token_count carries CUMULATIVE `info.total_token_usage`; each one that differs
// from the previous total becomes a `token_usage` event carrying the delta (the first: the total
// itself). A total where any count went down (the counter restarted, e.g. a resumed session in a
// new process) is a reset: its delta is the new total. OpenAI counts overlap (cached ⊂ input,
// reasoning ⊂ output); they are split so TokenCounts never double-counts.
import { z } from "zod";
import { type Json, IMAGE_PLACEHOLDER, SessionFold, count, foldStateSchema, isObj, nonEmpty, parseState, sessionIdOr, titleLine } from "./common.js";
import { environmentCwd, itemEvent } from "./codex-items.js";
import type { TokenCounts, TranscriptEvent, TranscriptImporter, TranscriptSession } from "./types.js";

/** Raw cumulative OpenAI counts, as `total_token_usage` reports them. */
const rawUsageSchema = z.object({ input: z.number(), cached: z.number(), output: z.number(), reasoning: z.number() });
type RawUsage = z.infer<typeof rawUsageSchema>;

const codexStateSchema = z.object({
  v: z.literal(1),
  fold: foldStateSchema,
  threadName: z.string().nullable(),
  firstUser: z.string().nullable(),
  total: rawUsageSchema.nullable(),
});
type CodexState = z.infer<typeof codexStateSchema>;

export class CodexFold implements TranscriptImporter {
  private readonly fold: SessionFold;
  private threadName: string | null = null;
  private firstUser: string | null = null;
  private total: RawUsage | null = null;

  constructor(id: string, state?: unknown) {
    if (state === undefined) {
      this.fold = new SessionFold("codex", id);
      return;
    }
    const s = parseState("codex", codexStateSchema, state);
    this.fold = new SessionFold("codex", id, s.fold);
    this.threadName = s.threadName;
    this.firstUser = s.firstUser;
    this.total = s.total;
  }

  push(record: unknown, _lineNo: number): TranscriptEvent[] {
    if (!isObj(record)) return this.fold.skip(true);
    const ts = this.fold.at(record.timestamp);
    if (record.record_type === "state") return this.fold.skip(); // older format bookkeeping
    if (!("type" in record) && typeof record.id === "string") return this.meta(record); // older first line
    const payload = record.payload;
    switch (record.type) {
      case "session_meta":
        return isObj(payload) ? this.meta(payload) : this.fold.skip(true);
      case "response_item":
        return isObj(payload) ? this.item(ts, payload) : this.fold.skip(true);
      case "event_msg":
        return isObj(payload) && typeof payload.type === "string" ? this.eventMsg(ts, payload) : this.fold.skip(true);
      case "turn_context":
        return isObj(payload) ? this.turnContext(payload) : this.fold.skip(true);
      case "compacted": {
        const text = isObj(payload) ? (nonEmpty(payload.message)?.trim() ?? "") : "";
        if (text.length === 0) return this.fold.skip(!isObj(payload));
        return [this.fold.event(ts, "system", { text, compacted: true }, text)];
      }
      default:
        // The older format's bare response items ({type: message|function_call|…}, no payload).
        return typeof record.type === "string" && payload === undefined ? this.item(ts, record) : this.fold.skip(true);
    }
  }

  session(): TranscriptSession {
    return this.fold.session(this.threadName ?? this.firstUser);
  }

  state(): CodexState {
    return { v: 1, fold: this.fold.state(), threadName: this.threadName, firstUser: this.firstUser, total: this.total === null ? null : { ...this.total } };
  }

  /** session_meta (or the older first line): the first one wins; forks and resumes may repeat it. */
  private meta(m: Json): [] {
    if (this.fold.hasMeta("codexSessionId") || nonEmpty(m.id) === null) return this.fold.skip(nonEmpty(m.id) === null);
    this.fold.setMeta("codexSessionId", m.id);
    this.fold.noteCwd(m.cwd);
    this.fold.setMeta("originator", nonEmpty(m.originator));
    this.fold.setMeta("cliVersion", nonEmpty(m.cli_version));
    this.fold.setMeta("modelProvider", nonEmpty(m.model_provider));
    this.fold.setMeta("forkedFrom", nonEmpty(m.forked_from_id));
    if (isObj(m.git)) {
      this.fold.setMeta("gitBranch", nonEmpty(m.git.branch));
      this.fold.setMeta("gitCommit", nonEmpty(m.git.commit_hash));
      this.fold.setMeta("gitRepository", nonEmpty(m.git.repository_url));
    }
    const source = m.source;
    if (typeof source === "string") this.fold.setMeta("origin", source);
    else if (isObj(source)) {
      // A sub-agent: {"subagent": {"thread_spawn": {"parent_thread_id": …}}} or {"subagent": "review"}.
      const sub = source.subagent ?? source.sub_agent;
      this.fold.setMeta("origin", "subagent");
      if (typeof sub === "string") this.fold.setMeta("subagent", sub);
      const spawn = isObj(sub) ? sub.thread_spawn : undefined;
      const parentId = isObj(spawn) ? nonEmpty(spawn.parent_thread_id) : null;
      if (parentId !== null) this.fold.setParent(sessionIdOr("codex-", parentId));
    }
    return [];
  }

  private turnContext(p: Json): [] {
    const model = nonEmpty(p.model);
    if (model !== null) this.fold.noteModel(model);
    this.fold.noteCwd(p.cwd);
    this.fold.setMeta("approvalPolicy", nonEmpty(p.approval_policy));
    if (isObj(p.sandbox_policy)) this.fold.setMeta("sandboxMode", nonEmpty(p.sandbox_policy.mode) ?? nonEmpty(p.sandbox_policy.type));
    else this.fold.setMeta("sandboxMode", nonEmpty(p.sandbox_policy));
    return [];
  }

  private item(ts: string, item: Json): TranscriptEvent[] {
    const ev = itemEvent(item);
    if (ev === "ignored") this.fold.noteCwd(environmentCwd(item)); // still skipped: injected context
    if (ev === "ignored" || ev === "unknown") return this.fold.skip(ev === "unknown");
    if (ev.kind === "user" && this.firstUser === null) this.firstUser = titleLine(ev.text.split(IMAGE_PLACEHOLDER).join(" "));
    return [this.fold.event(ts, ev.kind, ev.data, ev.text)];
  }

  private eventMsg(ts: string, p: Json): TranscriptEvent[] {
    switch (p.type) {
      case "token_count":
        return this.tokenCount(ts, p);
      case "thread_name_updated": {
        const name = nonEmpty(p.thread_name) ?? nonEmpty(p.name);
        if (name === null) return this.fold.skip(true);
        this.threadName = titleLine(name);
        return [];
      }
      case "error": {
        const text = nonEmpty(p.message);
        return text === null ? this.fold.skip(true) : [this.fold.event(ts, "system", { text, error: true }, text)];
      }
      default:
        // user_message / agent_message / agent_reasoning duplicate response items; task and turn
        // bookkeeping, exec/patch end events (their results are in function_call_output), … :
        // EventMsg is a large open set, so none of these counts as unknown.
        return this.fold.skip();
    }
  }

  private tokenCount(ts: string, p: Json): TranscriptEvent[] {
    if (p.info === null || p.info === undefined) return this.fold.skip(); // before the first response
    if (!isObj(p.info) || !isObj(p.info.total_token_usage)) return this.fold.skip(true);
    const t = p.info.total_token_usage;
    const now: RawUsage = {
      input: count(t.input_tokens),
      cached: count(t.cached_input_tokens),
      output: count(t.output_tokens),
      reasoning: count(t.reasoning_output_tokens),
    };
    const prev = this.total;
    const reset = prev !== null && (now.input < prev.input || now.cached < prev.cached || now.output < prev.output || now.reasoning < prev.reasoning);
    const base = prev === null || reset ? { input: 0, cached: 0, output: 0, reasoning: 0 } : prev;
    const d: RawUsage = {
      input: now.input - base.input,
      cached: now.cached - base.cached,
      output: now.output - base.output,
      reasoning: now.reasoning - base.reasoning,
    };
    this.total = now;
    if (d.input === 0 && d.cached === 0 && d.output === 0 && d.reasoning === 0) return this.fold.skip(); // a repeated total
    const delta: TokenCounts = {
      input: Math.max(0, d.input - d.cached),
      output: Math.max(0, d.output - d.reasoning),
      cacheRead: d.cached,
      cacheWrite: 0,
      reasoning: d.reasoning,
    };
    this.fold.addTokens(delta);
    const data: Json = {
      ...delta,
      model: this.fold.model,
      contextWindow: typeof p.info.model_context_window === "number" ? p.info.model_context_window : null,
    };
    if (reset) data.reset = true;
    return [this.fold.event(ts, "token_usage", data, "")];
  }
}
