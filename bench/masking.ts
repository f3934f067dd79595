// The masker on what the sync engine feeds it: ~50 MB of generated Claude Code and Codex JSONL
// lines (prose, code, shell output, paths, diffs, tool calls, usage records, thinking blocks with
// their base64 signatures, now and then a screenshot as base64; "token", "key",
// "password", "secret" and "auth" everywhere, as in real transcripts) with a few secrets sprinkled,
// masked line by line with maskText. Side by side with two floors over the same lines: JSON.parse
// (which the engine does to every line anyway) and a raw split('\n') of the whole text. And the
// rule set as it will be: the keyword scan and the tries at keywords (findRules) with ~150 rules
// (dummy ones with gitleaks' keywords added) against today's, and maskText's figure estimated from it.
import { findRules } from "../src/masking/find.js";
import { maskText } from "../src/masking/masker.js";
import { B, regexRule, type Rule } from "../src/masking/rule-kit.js";
import { keywordIndex } from "../src/masking/keyword-index.js";
import { RULES } from "../src/masking/rules.js";
import { KnownDigests } from "../src/masking/known-digests.js";
import { formsOf, SecretValues } from "../src/masking/secret-values.js";
import { median, pairedRatio, row, type Row } from "./lib.js";
import { GITLEAKS_KEYWORDS } from "./gitleaks-keywords.js";
import { Rng as BaseRng } from "./transcripts.js";

const TOTAL = 50_000_000;
const ROUNDS = 3;
/** The engine's end-to-end import target; the masker alone should leave most of the budget to the rest. */
const SYNC_TARGET_MBPS = 20;
const VAULT_VALUES = 20;
/** Issue 12's floor for maskText with the full rule set. */
const MASK_FLOOR_MBPS = 150;
/** The rule set as it will be: today's rules and dummy ones up to this many. */
const SIMULATED_RULES = 150;

const escapeRe = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/**
 * Rules that cost what real ones will and never match: one per gitleaks rule, its keywords
 * literal. A keyword that is a word (`heroku`, `token`) is a name, required to be followed by an
 * operator as warden's rules will require (keywordContext); a token prefix (`dop_v1_`) is not.
 * Names in lower case (they occur most often in text: the most context checks), or in
 * upper case as environment variables write them (`HEROKU_API_KEY`).
 */
export function simulatedRules(n: number, names: "lower" | "upper" = "lower"): Rule[] {
  return GITLEAKS_KEYWORDS.slice(0, n).flatMap(([id, all]) => {
    const keywords = all.map((k) => (names === "upper" && /^[a-z]+$/.test(k) ? k.toUpperCase() : k));
    const words = keywords.filter((k) => /^(?:[a-z]+|[A-Z]+)$/.test(k) && all.includes(k.toLowerCase()));
    const prefixes = keywords.filter((k) => !words.includes(k));
    const out: Rule[] = [];
    const never = () => false;
    if (prefixes.length)
      out.push(
        regexRule(`sim_${id}`, prefixes, String.raw`${B}(?:${prefixes.map(escapeRe).join("|")})[A-Za-z0-9_-]{16,80}(?![A-Za-z0-9_-])`, never, {
          family: "simulated",
        }),
      );
    if (words.length)
      out.push(
        regexRule(
          `sim_${id}_name`,
          words,
          String.raw`((?:${words.map(escapeRe).join("|")})[A-Za-z0-9_]{0,30}[ \t]{0,4}[:=][ \t]{0,4}["']?)[A-Za-z0-9_-]{16,80}`,
          never,
          {
            family: "simulated",
            keep: true,
            keywordContext: String.raw`(?=[A-Za-z0-9_]{0,30}[\\"'\]]{0,3}[ \t]{0,4}[:=])`,
          },
        ),
      );
    return out;
  });
}

export async function maskingBench(log: (line: string) => void = () => {}): Promise<Row[]> {
  const { lines, secrets } = corpus(TOTAL, 7);
  const blob = lines.join("\n") + "\n";
  const bytes = Buffer.byteLength(blob);
  log(`  ${lines.length} lines, ${(bytes / 1e6).toFixed(1)} MB, ${secrets} secrets sprinkled`);
  const none = new SecretValues();
  const vault = new SecretValues();
  const r = new Rng(99);
  for (let i = 0; i < VAULT_VALUES; i++) vault.add(`vault-${i}-` + r.token(24));
  // Values masked before and no longer in memory (vault locked): known by keyed digest only.
  const digested = new SecretValues();
  const known = new KnownDigests(Buffer.alloc(32, 7));
  for (let i = 0; i < VAULT_VALUES; i++) known.remember(formsOf(`gone-${i}-` + r.token(20 + i)));
  digested.useDigests(known);

  const mbps = (ms: number) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;
  /** CPU-time figures too, for the log: on a loaded machine they say what wall time cannot. */
  const cpu: Record<string, number[]> = {};
  const time = (f: () => void, label?: string) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    if (label) (cpu[label] ??= []).push(mbps((c.user + c.system) / 1000));
    return mbps(performance.now() - t0);
  };
  const split: number[] = [];
  const parse: number[] = [];
  const masked: number[] = [];
  const withVault: number[] = [];
  const withDigests: number[] = [];
  // The keyword scan and the tries at each keyword (findRules) with today's rules, ~150 and all of gitleaks'.
  const todayCount = new Set(RULES.map((r) => r.name)).size;
  const today = keywordIndex(RULES);
  const sim = keywordIndex([...RULES, ...simulatedRules(SIMULATED_RULES - todayCount)]);
  const simUpper = keywordIndex([...RULES, ...simulatedRules(SIMULATED_RULES - todayCount, "upper")]);
  const scanToday: number[] = [];
  const scanSim: number[] = [];
  const scanUpper: number[] = [];
  let hits = 0;
  let broken = 0;
  for (let round = 0; round < ROUNDS; round++) {
    split.push(time(() => void blob.split("\n")));
    parse.push(time(() => lines.forEach((l) => void JSON.parse(l)), "JSON.parse"));
    hits = 0;
    broken = 0;
    masked.push(
      time(() => {
        for (const l of lines) {
          const m = maskText(l, none);
          for (const rule in m.hits) hits += m.hits[rule]!;
        }
      }, "maskText"),
    );
    withVault.push(time(() => lines.forEach((l) => void maskText(l, vault))));
    withDigests.push(time(() => lines.forEach((l) => void maskText(l, digested))));
    scanToday.push(time(() => lines.forEach((l) => void findRules(l, today)), "scan, today's rules"));
    scanSim.push(time(() => lines.forEach((l) => void findRules(l, sim)), `scan, ~${SIMULATED_RULES} rules`));
    scanUpper.push(time(() => lines.forEach((l) => void findRules(l, simUpper)), `scan, ~${SIMULATED_RULES} rules, names upper-case`));
    log(
      `  round ${round + 1}/${ROUNDS}: split ${split.at(-1)} MB/s, JSON.parse ${parse.at(-1)} MB/s, maskText ${masked.at(-1)} MB/s, with ${VAULT_VALUES} vault values ${withVault.at(-1)} MB/s, with ${VAULT_VALUES} values by digest ${withDigests.at(-1)} MB/s; rule scan+tries: today's rules ${scanToday.at(-1)} MB/s, ~${SIMULATED_RULES} rules ${scanSim.at(-1)} MB/s, ~${SIMULATED_RULES} rules with names in upper case ${scanUpper.at(-1)} MB/s`,
    );
  }
  for (const l of lines) {
    const m = maskText(l, none);
    if (m.text !== l) {
      try {
        JSON.parse(m.text);
      } catch {
        broken++;
      }
    }
  }
  log(
    `  masked ${hits} of ${secrets} sprinkled secrets${hits === secrets ? "" : " (WARNING: a miss or a false positive)"}; ${broken} masked line(s) no longer parse`,
  );
  // maskText's time with ~150 rules: its time now plus what the larger scan adds (the simulated rules never match).
  const perByte = (mbps: number) => 1 / mbps;
  const estimated = masked.map((m, i) => Math.round(10 / (perByte(m) + perByte(scanSim[i]!) - perByte(scanToday[i]!))) / 10);
  const cpuEstimate = cpu.maskText!.map(
    (m, i) => Math.round(10 / (perByte(m) + perByte(cpu[`scan, ~${SIMULATED_RULES} rules`]![i]!) - perByte(cpu["scan, today's rules"]![i]!))) / 10,
  );
  log(
    `  CPU-time medians (MB/s): ${Object.entries(cpu)
      .map(([k, v]) => `${k} ${median(v)}`)
      .join(", ")}; maskText with ~${SIMULATED_RULES} rules estimated ${median(cpuEstimate)}`,
  );
  log(`  rules: ${todayCount} today, ${SIMULATED_RULES} simulated; maskText with ~${SIMULATED_RULES} rules estimated at ${median(estimated)} MB/s`);
  // At most a fifth of the import budget: five times the end-to-end target.
  const floor = SYNC_TARGET_MBPS * 5;
  const mb = Math.round(bytes / 1e6);
  return [
    row(
      `maskText over ${mb} MB of transcript JSONL, full rule set (MB/s)`,
      median(masked),
      median(parse),
      "JSON.parse of the same lines",
      `>= ${MASK_FLOOR_MBPS} MB/s`,
      median(masked) >= MASK_FLOOR_MBPS,
      pairedRatio(masked, parse),
    ),
    row(
      `rule keyword scan and tries, ~${SIMULATED_RULES} rules (gitleaks' keywords simulated) (MB/s)`,
      median(scanSim),
      median(scanToday),
      `the same with today's ${todayCount} rules`,
      ">= 0.8x",
      pairedRatio(scanSim, scanToday) >= 0.8,
      pairedRatio(scanSim, scanToday),
    ),
    row(
      `maskText over ${mb} MB with ~${SIMULATED_RULES} rules, estimated (MB/s)`,
      median(estimated),
      median(parse),
      "JSON.parse of the same lines",
      `>= ${MASK_FLOOR_MBPS} MB/s`,
      median(estimated) >= MASK_FLOOR_MBPS,
      pairedRatio(estimated, parse),
    ),
    row(
      `maskText over ${mb} MB of transcript JSONL, full rule set (MB/s)`,
      median(masked),
      median(split),
      "split('\\n') of the text",
      `>= ${MASK_FLOOR_MBPS} MB/s`,
      median(masked) >= MASK_FLOOR_MBPS,
      pairedRatio(masked, split),
    ),
    row(
      `maskText with ${VAULT_VALUES} vault values (MB/s)`,
      median(withVault),
      median(parse),
      "JSON.parse of the same lines",
      `>= ${floor} MB/s`,
      median(withVault) >= floor,
      pairedRatio(withVault, parse),
    ),
    row(
      `maskText with ${VAULT_VALUES} values known by keyed digest (MB/s)`,
      median(withDigests),
      median(masked),
      "maskText without them",
      `>= ${floor} MB/s`,
      median(withDigests) >= floor,
      pairedRatio(withDigests, masked),
    ),
  ];
}

/** The sync bench's generator, with what these lines need on top. */
class Rng extends BaseRng {
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  token(n: number, alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
  uuid(): string {
    const h = this.token(32, "0123456789abcdef");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

const WORDS = (
  "the a to of and in is it for on that with as this be we you can should will now then so but not if when " +
  "build test fails error config deploy request function return value file path module import export async " +
  "token key password secret auth author keys tokens authentication session cache index query schema commit " +
  "look check run change fix update add remove handle call read write parse load save open close start stop " +
  "user server client response status code line type name list map set item field object array string number " +
  "here there which what where because after before while also only just still first next last new old same"
).split(" ");

const CODE = [
  "const token = await getToken(req);",
  "export function parseKey(key: string): Key {",
  "  if (!apiKey) throw new Error('missing api key');",
  "  password: z.string().min(8),",
  "const secret = process.env.SECRET_KEY;",
  "  headers: { Authorization: `Bearer ${token}` },",
  "for (const [key, value] of Object.entries(obj)) {",
  "  return keys.map((k) => map.get(k));",
  'import { readFileSync } from "node:fs";',
  "const hash = createHash('sha256').update(buf).digest('hex');",
  "  auth: { user, pass },",
  "  tokens.push({ kind: 'ident', value: word, start: pos });",
  "  const cacheKey = `${user.id}:${session.id}`;",
  "  expect(res.status).toBe(401); // no auth header",
  "      max_tokens: 4096,",
  "def authenticate(username: str, password: str) -> Token:",
  '    os.environ.get("OPENAI_API_KEY")',
  "}",
  "  const rows = db.prepare('SELECT id, name FROM users WHERE org = ?').all(org);",
  "  if (rows.length === 0) return null;",
  "  for (let i = 0; i < items.length; i++) total += items[i].price * items[i].qty;",
  "export default defineConfig({ plugins: [react()], server: { port: 5173 } });",
  "  await fs.promises.mkdir(path.join(root, 'dist'), { recursive: true });",
  "  } catch (err) {",
  "    logger.warn({ err }, 'retrying request');",
  "describe('parser', () => {",
  "  it('handles an empty file', () => {",
  "    expect(parse('')).toEqual([]);",
  "  });",
  "class Queue<T> {",
  "  private items: T[] = [];",
  "  push(item: T): void {",
  "    this.items.push(item);",
  "  }",
  "def load(path):",
  "    with open(path) as f:",
  "        return json.load(f)",
  "  return res.json({ ok: true, count: results.length });",
];

const SHELL = [
  "drwxr-xr-x  5 dev dev  4096 Jan 15 10:00 src",
  "-rw-r--r--  1 dev dev  1234 Jan 15 10:00 package.json",
  "Author: Jane Doe <jane@example.com>",
  "PASS test/auth/session.test.ts (1.2 s)",
  "src/auth/token.ts:42:10 - error TS2322: Type 'string' is not assignable to type 'number'.",
  "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
  "  ✓ refreshes an expired token (3 ms)",
  "  ✗ rejects a wrong password (12 ms)",
  "/home/dev/src/app/node_modules/.bin/tsc --noEmit -p tsconfig.json",
  "Cloning into 'repo'... remote: Enumerating objects: 1024, done.",
  "added 312 packages, and audited 313 packages in 4s",
];

/** A secret the masker must catch, in the form and context it would appear in. */
function sprinkle(r: Rng): string {
  switch (r.int(6)) {
    case 0:
      return `export GITHUB_TOKEN=${"gh" + "p_" + r.token(36)}`;
    case 1:
      return `AWS_ACCESS_KEY_ID=${"AK" + "IA" + r.token(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
    case 2:
      return `DATABASE_URL=postgres://app:${r.token(20)}@db.internal:5432/app`;
    case 3:
      return `"client_secret": "${r.token(40)}"`;
    case 4:
      return `curl -H "x-api-key: ${"sk-" + "ant-api03-" + r.token(93)}AA" https://api.anthropic.com/v1/messages`;
    default:
      return `OPENAI_API_KEY=${"sk-" + "proj-" + r.token(40) + "T3Blbk" + "FJ" + r.token(40)}`;
  }
}

function toolOutput(r: Rng, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const k = r.int(10);
    out.push(
      k < 4
        ? r.pick(CODE)
        : k < 8
          ? r.pick(SHELL)
          : k < 9
            ? `commit ${r.token(40, "0123456789abcdef")}`
            : `${r.pick(["src", "test", "lib"])}/${r.pick(WORDS)}/${r.pick(WORDS)}.ts:${r.int(400)}: ${r.pick(CODE)}`,
    );
  }
  return out.join("\n");
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const prose = (r: Rng, n: number) => Array.from({ length: n }, () => r.pick(WORDS)).join(" ");

/** Lines of about `total` bytes, with a secret in about one line in 300; and how many secrets there are. */
export function corpus(total: number, seed: number): { lines: string[]; secrets: number } {
  const r = new Rng(seed);
  const lines: string[] = [];
  let size = 0;
  let secrets = 0;
  const session = r.uuid();
  for (let i = 0; size < total; i++) {
    const ts = new Date(1_736_935_200_000 + i * 1500).toISOString();
    const secret = r.int(300) === 0 ? (secrets++, "\n" + sprinkle(r) + "\n") : "";
    const base = {
      parentUuid: r.uuid(),
      isSidechain: false,
      userType: "external",
      cwd: "/home/dev/src/app",
      sessionId: session,
      version: "1.0.83",
      gitBranch: "main",
      uuid: r.uuid(),
      timestamp: ts,
    };
    const k = r.int(10);
    let line: string;
    if (k < 3) {
      // Extended thinking: prose and its signature, a base64 blob, before two answers in five.
      const thinking = r.int(5) < 2 ? [{ type: "thinking", thinking: prose(r, 20 + r.int(200)), signature: r.token(200 + r.int(1800), BASE64) }] : [];
      const usage = {
        input_tokens: r.int(10),
        cache_creation_input_tokens: r.int(5000),
        cache_read_input_tokens: r.int(90000),
        output_tokens: r.int(2000),
        service_tier: "standard",
      };
      line = JSON.stringify({
        ...base,
        type: "assistant",
        message: {
          id: "msg_01" + r.token(22),
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-20250514",
          content: [...thinking, { type: "text", text: prose(r, 30 + r.int(250)) + secret }],
          stop_reason: null,
          usage,
        },
        requestId: "req_011C" + r.token(20),
      });
    } else if (k < 6) {
      const out = toolOutput(r, 5 + r.int(k === 5 ? 1500 : 200)) + secret;
      // Now and then a screenshot: a PNG as base64, tens of KB of random-looking chars.
      const image =
        r.int(100) === 0
          ? [{ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo" + r.token(8000 + r.int(32000), BASE64) } }]
          : [];
      line = JSON.stringify({
        ...base,
        type: "user",
        message: { role: "user", content: [{ tool_use_id: "toolu_01" + r.token(22), type: "tool_result", content: out, is_error: false }, ...image] },
        toolUseResult: { stdout: out, stderr: "", interrupted: false, isImage: false },
      });
      if (secret) secrets++; // the output is in the line twice
    } else if (k < 8) {
      const old = toolOutput(r, 10 + r.int(40));
      line = JSON.stringify({
        ...base,
        type: "assistant",
        message: {
          role: "assistant",
          content: [
            {
              type: "tool_use",
              id: "toolu_01" + r.token(22),
              name: "Edit",
              input: {
                file_path: `/home/dev/src/app/src/${r.pick(WORDS)}/${r.pick(WORDS)}.ts`,
                old_string: old,
                new_string: old.replace(/token/g, "accessToken") + secret,
              },
            },
          ],
        },
      });
    } else if (k < 9) {
      const args = JSON.stringify({ command: ["bash", "-lc", `rg -n "${r.pick(WORDS)}" src | head -50`], workdir: "/home/dev/src/app", timeout_ms: 120000 });
      line = JSON.stringify({
        timestamp: ts,
        type: "response_item",
        payload: { type: "function_call", name: "shell", arguments: args, call_id: "call_" + r.token(24) },
      });
    } else {
      line = JSON.stringify({
        timestamp: ts,
        type: "response_item",
        payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: prose(r, 20 + r.int(150)) + secret }] },
      });
    }
    lines.push(line);
    size += line.length + 1;
  }
  return { lines, secrets };
}
