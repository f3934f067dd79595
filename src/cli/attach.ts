// Attaching the local terminal to a PTY session (`warden attach`, `warden launch --attach`): the
// screen as the session's emulator sees it, then its output live from exactly there; keystrokes
// and window sizes sent back; Ctrl-\ detaches and leaves it running. The terminal is always given
// back as it was found: cooked mode, main screen, cursor shown, mouse and paste modes off.
import { constants } from "node:os";
import { WardenError } from "../platform/errors.js";
import { RemoteError, type RpcClient } from "../rpc/client.js";
import { describeExit, exitData, outputBytes, streamEvents, terminalSize, writeOut, type ExitData } from "./session-stream.js";

/** Ctrl-\ (what the terminal sends for it in raw mode). */
export const DETACH_KEY = 0x1c;
const CTRL_C = 0x03;
/** sessions.input takes at most 1 MiB; a paste is sent in pieces of this many bytes. */
const INPUT_CHUNK = 256 * 1024;
const CLEAR = "\x1b[H\x1b[2J";
const ALT_SCREEN = /\x1b\[\?(?:1049|1047|47)([hl])/g;

export interface AttachIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
}

export interface AttachOutcome {
  session: string;
  /** detached: Ctrl-\ (or Ctrl-C when read-only); exited: the session ended; signal: we were told to stop. */
  ended: "detached" | "exited" | "signal";
  exit: ExitData | null;
  signal: string | null;
  /** The session had exited before we attached: only its last screen was shown. */
  alreadyExited: boolean;
  /** Our exit status: 0, or 128+n after a signal. */
  status: number;
}

type Finish = { ended: "detached" | "signal"; signal: string | null } | { error: Error };

/** Refuses, before anything else happens, an attach that could not take keystrokes. */
export function checkAttachInput(io: AttachIo, readOnly: boolean): void {
  if (!readOnly && !io.stdin.isTTY) {
    throw new WardenError("usage", "attach needs a terminal on stdin to forward keystrokes; use --read-only to watch from a script or pipe", {
      option: "--read-only",
    });
  }
}

export async function attachSession(client: RpcClient, session: string, readOnly: boolean, io: AttachIo): Promise<AttachOutcome> {
  checkAttachInput(io, readOnly);
  const s = await client.call("sessions.get", { session });
  if (s.kind !== "pty") {
    const hint = s.kind === "task" ? `warden tasks output ${session}, or warden events ${session} --follow` : `warden events ${session} --follow`;
    throw new WardenError("conflict", `session ${session} is a ${s.kind} session and has no terminal to attach to; read it with: ${hint}`, {
      session,
      sessionKind: s.kind,
    });
  }
  const size = terminalSize(io.stdout);
  if (s.live === true && !readOnly && size) {
    try {
      await client.call("sessions.resize", { session, ...size });
    } catch (err) {
      if (!(err instanceof RemoteError && err.kind === "conflict")) throw err; // conflict: it has just ended
    }
  }
  const snap = await client.call("sessions.snapshot", { session });
  let alt = altScreen(Buffer.from(snap.screen, "utf8"), false);
  const outcome = (ended: AttachOutcome["ended"], exit: ExitData | null, signal: string | null, alreadyExited = false): AttachOutcome => ({
    session,
    ended,
    exit,
    signal,
    alreadyExited,
    status: signal ? 128 + ((constants.signals as Record<string, number>)[signal] ?? 0) : 0,
  });

  if (!snap.live) {
    io.stdout.write(CLEAR + snap.screen);
    if (io.stdout.isTTY) io.stdout.write(resetModes(alt));
    const now = await client.call("sessions.get", { session });
    const exit = now.process?.exit ? exitData(now.process.exit) : null;
    io.stderr.write(exit ? `[session ${session} has already exited: ${describeExit(exit)}]\n` : `[session ${session} is not running]\n`);
    return outcome("exited", exit, null, true);
  }

  io.stderr.write(attachedNote(session, readOnly));
  const undo: Array<() => void> = [];
  let finish!: (f: Finish) => void;
  const finished = new Promise<Finish>((r) => (finish = r));
  try {
    if (io.stdin.isTTY) {
      io.stdin.setRawMode(true);
      undo.push(() => io.stdin.setRawMode(false));
    }
    io.stdout.write(CLEAR + snap.screen);
    const stream = streamEvents(client, session, snap.seq, (e) => {
      if (e.kind !== "output") return;
      const bytes = outputBytes(e);
      alt = altScreen(bytes, alt);
      writeOut(client, io.stdout, bytes);
    });
    undo.push(() => stream.stop());

    if (io.stdin.isTTY) {
      const send = (keys: Buffer) => {
        for (let i = 0; i < keys.length; i += INPUT_CHUNK) {
          const data = keys.subarray(i, i + INPUT_CHUNK).toString("base64");
          client.call("sessions.input", { session, data, encoding: "base64" }).catch((err: Error) => {
            // conflict: it has just ended, and its exit event is on the way.
            if (!(err instanceof RemoteError && err.kind === "conflict")) finish({ error: err });
          });
        }
      };
      const onKeys = (chunk: Buffer) => {
        let end = chunk.indexOf(DETACH_KEY);
        if (readOnly) {
          const c = chunk.indexOf(CTRL_C);
          if (c >= 0 && (end < 0 || c < end)) end = c;
        }
        const keys = end >= 0 ? chunk.subarray(0, end) : chunk;
        if (!readOnly && keys.length > 0) send(keys);
        if (end >= 0) finish({ ended: "detached", signal: null });
      };
      io.stdin.on("data", onKeys);
      io.stdin.resume();
      undo.push(() => {
        io.stdin.off("data", onKeys);
        io.stdin.pause();
      });
    }

    if (!readOnly && size) {
      const onResize = () => {
        const now = terminalSize(io.stdout);
        if (now) client.call("sessions.resize", { session, ...now }).catch(() => {}); // conflict: it has ended
      };
      io.stdout.on("resize", onResize);
      undo.push(() => io.stdout.off("resize", onResize));
    }

    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
      const onSignal = () => finish({ ended: "signal", signal: sig });
      process.on(sig, onSignal);
      undo.push(() => process.off(sig, onSignal));
    }

    const result = await Promise.race([finished, stream.ended]);
    if (result === "stopped") throw new Error("the event stream stopped unexpectedly");
    if ("error" in result) throw result.error;
    if ("ended" in result) return outcome(result.ended, null, result.signal);
    return outcome("exited", exitData(result.data), null);
  } finally {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch {
        // restore the rest regardless
      }
    }
    if (io.stdout.isTTY) io.stdout.write(resetModes(alt));
  }
}

/** The line attach starts with, on stderr, before the session's screen is drawn: how to get out. */
export function attachedNote(session: string, readOnly: boolean): string {
  return readOnly ? `[attached to ${session}, read-only: keys are not sent; Ctrl-\\ or Ctrl-C detaches]\n` : `[attached to ${session}, Ctrl-\\ detaches]\n`;
}

/** The line attach ends with, on stderr. */
export function attachNote(o: AttachOutcome): string {
  if (o.alreadyExited) return "";
  if (o.ended === "exited") return `[session exited: ${o.exit ? describeExit(o.exit) : "unknown"}]\n`;
  const how = o.ended === "signal" ? `on ${o.signal}` : "";
  return `[detached from session ${o.session}${how ? " " + how : ""}; it keeps running: warden attach ${o.session}]\n`;
}

/** Whether the terminal is on its alternate screen after `bytes`, given that it was or not before. */
function altScreen(bytes: Buffer, before: boolean): boolean {
  let on = before;
  for (const m of bytes.toString("latin1").matchAll(ALT_SCREEN)) on = m[1] === "h";
  return on;
}

/**
 * Modes a full-screen program may leave set, put back: attributes, cursor shown, mouse and focus
 * reporting and bracketed paste off, normal cursor keys, keypad and modifier reporting, the main
 * screen, the full scroll region (cursor kept); then a fresh line.
 */
function resetModes(alt: boolean): string {
  const modes = "\x1b[0m\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1004l\x1b[?2004l\x1b[?1l\x1b>\x1b[>4m";
  return (alt ? "\x1b[?1049l" : "") + modes + "\x1b7\x1b[r\x1b8\r\n";
}
