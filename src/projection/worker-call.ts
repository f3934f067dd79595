// One way to run a one-shot worker thread (verify, diff, backup, rebuild): the worker posts any
// number of progress messages ({type: "progress", ...}) and then its answer, {ok: true, result}
// or {ok: false, error}; a typed error comes back as the RpcError it was, anything else as an Error.
import { Worker } from "node:worker_threads";
import { RpcError } from "../rpc/errors.js";

export type WorkerReply<T> = { ok: true; result: T } | { ok: false; error: { message: string; kind?: string; details?: Record<string, unknown> } };

export function callWorker<T, P = never>(module: URL, workerData: object, onProgress?: (p: P) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(module, { workerData });
    worker.on("message", (m: WorkerReply<T> | ({ type: "progress" } & P)) => {
      if ("type" in m && m.type === "progress") return onProgress?.(m);
      const r = m as WorkerReply<T>;
      if (r.ok) resolve(r.result);
      else if (r.error.kind) reject(new RpcError(r.error.kind as never, r.error.message, r.error.details ?? {}));
      else reject(new Error(r.error.message));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => code !== 0 && reject(new Error(`worker ${module.pathname.split("/").at(-1)} exited with ${code}`)));
  });
}

/** The worker's side: posts `fn`'s result, or the error it threw (with its kind and details, when typed). */
export function answer(post: (m: unknown) => void, fn: () => unknown): void {
  try {
    post({ ok: true, result: fn() });
  } catch (err) {
    const e = err as Error & { kind?: string; details?: unknown };
    post({ ok: false, error: { message: e.message, kind: e.kind, details: e.details } });
  }
}
