// Generated Claude Code transcripts for the sync benchmarks: realistic record shapes and sizes
// (prompts, assistant prose, tool calls, tool output of a few KB, streaming duplicates, now and
// then a secret), from a seeded generator so every run imports the same bytes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const WORDS = (
  "the a to of and in is it for on that with as this be build test fails error migration database config deploy service request " +
  "function return const value file path module import export async await promise timeout retry connection cluster node worker " +
  "queue cache index query table column schema version release branch commit merge review patch lint type check install package"
).split(" ");

export class Rng {
  constructor(private s: number) {}
  /** mulberry32: 32-bit integer arithmetic throughout (a float LCG loses its low bits and cycles). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  words(n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += (i ? " " : "") + WORDS[this.int(WORDS.length)];
    return out;
  }
}

const uuid = (r: Rng) => {
  const h = () => r.int(0x10000).toString(16).padStart(4, "0");
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
};

/** A fake token the masker must catch, different each time. */
const fakeSecret = (r: Rng) => "ghp_" + Array.from({ length: 36 }, () => "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"[r.int(57)]).join("");

/** One transcript of about `bytes`; returns its text and the number of secrets in it. */
export function transcript(r: Rng, session: string, bytes: number, t0: number): { text: string; secrets: number } {
  const lines: string[] = [];
  let size = 0;
  let secrets = 0;
  let i = 0;
  const base = { sessionId: session, cwd: "/home/dev/project", version: "2.0.14", gitBranch: "main", userType: "external", isSidechain: false };
  const push = (o: object) => {
    const l = JSON.stringify(o);
    lines.push(l);
    size += l.length + 1;
  };
  while (size < bytes) {
    const ts = new Date(t0 + i++ * 1000).toISOString();
    const kind = r.int(10);
    if (kind < 2) push({ ...base, type: "user", uuid: uuid(r), parentUuid: null, timestamp: ts, message: { role: "user", content: r.words(10 + r.int(40)) } });
    else if (kind < 5) {
      const id = `msg_${uuid(r)}`;
      const text = r.words(60 + r.int(200)) + (r.int(500) === 0 ? ` export GITHUB_TOKEN=${fakeSecret(r)}` : "");
      if (text.includes("ghp_")) secrets++;
      const rec = {
        ...base,
        type: "assistant",
        uuid: uuid(r),
        timestamp: ts,
        requestId: `req_${id}`,
        message: {
          id,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "text", text }],
          usage: { input_tokens: 1200, cache_read_input_tokens: 30000, output_tokens: 300 },
        },
      };
      push(rec);
      if (r.int(4) === 0) push({ ...rec, uuid: uuid(r) }); // a streaming duplicate
    } else if (kind < 7) {
      const id = `toolu_${uuid(r)}`;
      push({
        ...base,
        type: "assistant",
        uuid: uuid(r),
        timestamp: ts,
        requestId: `req_${id}`,
        message: {
          id: `msg_${id}`,
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "tool_use", id, name: "Bash", input: { command: `npm run ${r.words(2)} -- --filter ${r.words(1)}`, description: r.words(6) } }],
          usage: { input_tokens: 10, output_tokens: 40 },
        },
      });
      let out = "";
      const n = 20 + r.int(150);
      for (let k = 0; k < n; k++) out += `${k.toString().padStart(4)} | ${r.words(4 + r.int(10))}\n`;
      push({
        ...base,
        type: "user",
        uuid: uuid(r),
        timestamp: ts,
        message: { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: out, is_error: r.int(10) === 0 }] },
      });
    } else
      push({
        ...base,
        type: "assistant",
        uuid: uuid(r),
        timestamp: ts,
        message: {
          id: `msg_${uuid(r)}`,
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [{ type: "thinking", thinking: r.words(40 + r.int(80)), signature: "sig" }],
          usage: { input_tokens: 5, output_tokens: 80 },
        },
      });
  }
  return { text: lines.join("\n") + "\n", secrets };
}

/** `files` transcripts totalling about `totalBytes`, in project directories of 64 files each, under `root`. */
export function writeCorpus(root: string, files: number, totalBytes: number, seed = 42): { bytes: number; secrets: number; paths: string[] } {
  const r = new Rng(seed);
  let bytes = 0;
  let secrets = 0;
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const dir = join(root, `-home-dev-project-${Math.floor(f / 64)}`);
    if (f % 64 === 0) mkdirSync(dir, { recursive: true });
    const session = uuid(r);
    const t = transcript(r, session, totalBytes / files, 1_790_000_000_000 + f * 3_600_000);
    const path = join(dir, `${session}.jsonl`);
    writeFileSync(path, t.text);
    bytes += Buffer.byteLength(t.text);
    secrets += t.secrets;
    paths.push(path);
  }
  return { bytes, secrets, paths };
}
