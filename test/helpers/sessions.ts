// Watching sessions from tests: a subscription that collects events, and waits on conditions
// over them (never fixed sleeps).
import { pidAlive } from "../../src/platform/proc.js";
import { decodeBytes, type LedgerEvent } from "../../src/ledger/events.js";
import type { RpcClient } from "../../src/rpc/client.js";
import { notifications } from "../../protocol/index.js";
import { pollUntil } from "./poll.js";

export interface Watch {
  events: LedgerEvent[];
  subscription: string;
  /** Decoded output so far (pty, or the named task stream). */
  output(stream?: "pty" | "stdout" | "stderr"): string;
  /** Resolves with the first event list state satisfying pred; rejects after timeoutMs with what was seen. */
  until(pred: (w: Watch) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Waits for output containing text. */
  sees(text: string, timeoutMs?: number): Promise<void>;
  /** Waits for the exit event and returns its data. */
  exit(timeoutMs?: number): Promise<Record<string, any>>;
}

export async function watch(client: RpcClient, session: string, after = 0): Promise<Watch> {
  const waiters = new Set<() => void>();
  const w: Watch = {
    events: [],
    subscription: "",
    output: (stream) =>
      Buffer.concat(w.events.filter((e) => e.kind === "output" && (stream === undefined || e.data.stream === stream)).map((e) => decodeBytes(e.data))).toString(
        "utf8",
      ),
    until: (pred, what, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (pred(w)) return resolve();
        const check = () => {
          if (!pred(w)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out waiting for ${what}; output so far: ${JSON.stringify(w.output().slice(-2000))}; kinds: ${w.events.map((e) => e.kind).join(",")}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      }),
    sees: (text, timeoutMs) => w.until((x) => x.output().includes(text), JSON.stringify(text), timeoutMs),
    exit: async (timeoutMs) => {
      await w.until((x) => x.events.some((e) => e.kind === "exit"), "exit", timeoutMs);
      return w.events.find((e) => e.kind === "exit")!.data as Record<string, any>;
    },
  };
  // The first events can arrive in the same read as the reply, before the await below resumes.
  const early: Array<{ subscription: string; event: LedgerEvent }> = [];
  // The declaration, not the name: every event a test sees has parsed with the declared schema.
  client.onNotification(notifications.event, (p) => {
    if (w.subscription === "") return void early.push(p);
    if (p.subscription !== w.subscription) return;
    w.events.push(p.event);
    for (const f of [...waiters]) f();
  });
  w.subscription = (await client.call("events.subscribe", { session, after })).subscription;
  w.events.push(...early.filter((p) => p.subscription === w.subscription).map((p) => p.event));
  return w;
}

/** Asserts seqs run after+1, after+2, … with no gap and no duplicate; returns the last. */
export function contiguous(events: LedgerEvent[], after = 0): number {
  events.forEach((e, i) => {
    if (e.seq !== after + 1 + i) throw new Error(`event ${i} has seq ${e.seq}, expected ${after + 1 + i}`);
  });
  return after + events.length;
}

/** Waits until pid has ended (gone, or a zombie nobody has reaped yet: containers' init may not). */
export async function waitGone(pid: number, timeoutMs?: number): Promise<void> {
  await pollUntil(() => !pidAlive(pid), { what: `process ${pid} to end`, timeoutMs });
}
