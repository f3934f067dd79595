// `warden run --wait`: a task followed to its end. Its stdout and stderr come back apart, stdin
// (a pipe or file) goes to it, signals are passed on, and its exit status becomes ours.
import type { RpcClient } from "../rpc/client.js";
import { exitData, exitStatus, outputBytes, streamEvents, writeOut, type ExitData } from "./session-stream.js";

/** sessions.input takes at most 1 MiB; stdin is sent in pieces of at most this many bytes. */
const INPUT_CHUNK = 256 * 1024;
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface TaskIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** --json: print nothing of the output. */
  json: boolean;
}

export async function waitForTask(client: RpcClient, session: string, io: TaskIo): Promise<{ exit: ExitData; status: number }> {
  const stream = streamEvents(client, session, 0, (e) => {
    if (e.kind !== "output" || io.json) return;
    writeOut(client, e.data.stream === "stderr" ? io.stderr : io.stdout, outputBytes(e));
  });
  const stopInput = forwardStdin(client, session, io.stdin);
  const onSignal = (signal: (typeof FORWARDED)[number]) => {
    client.call("sessions.kill", { session, signal }).catch(() => {}); // conflict: it has ended already
  };
  for (const s of FORWARDED) process.on(s, onSignal);
  try {
    const end = await stream.ended;
    if (end === "stopped" || end.kind !== "exit") throw new Error(`session ${session} ended without an exit event`);
    const exit = exitData(end.data);
    return { exit, status: exitStatus(exit) };
  } finally {
    for (const s of FORWARDED) process.off(s, onSignal);
    stopInput();
  }
}

/** Copies a piped stdin to the task, then closes the task's stdin; a terminal's is not read. */
function forwardStdin(client: RpcClient, session: string, stdin: NodeJS.ReadStream): () => void {
  const closeTaskInput = () => client.call("sessions.input", { session, eof: true }).catch(() => {});
  if (stdin.isTTY) {
    void closeTaskInput();
    return () => {};
  }
  let stopped = false;
  const send = async (chunk: Buffer) => {
    for (let i = 0; i < chunk.length && !stopped; i += INPUT_CHUNK) {
      await client.call("sessions.input", { session, data: chunk.subarray(i, i + INPUT_CHUNK).toString("base64"), encoding: "base64" });
    }
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stdin.off("data", onData);
    stdin.off("end", onEnd);
    stdin.off("error", onEnd);
    stdin.destroy(); // a paused pipe would still keep this process alive
  };
  const onData = (chunk: Buffer) => {
    stdin.pause(); // one piece in flight at a time: the task's pace, not memory, bounds us
    send(chunk).then(
      () => {
        if (!stopped) stdin.resume();
      },
      // conflict: the task has ended, its exit is on the way; a lost connection ends the stream too
      () => stop(),
    );
  };
  const onEnd = () => {
    stop();
    void closeTaskInput();
  };
  stdin.on("data", onData);
  stdin.once("end", onEnd);
  stdin.once("error", onEnd);
  stdin.resume();
  return stop;
}
