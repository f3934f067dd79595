// Worker thread: one headless xterm per PTY session, fed the session's (masked) output, so a
// client attaching to a full-screen program gets the screen as it is, not a raw replay. Runs off
// the daemon's main thread: emulating 30 MB/s of terminal output is a core's worth of work.
import { parentPort } from "node:worker_threads";
import xtermHeadless from "@xterm/headless";
import serializeAddon from "@xterm/addon-serialize";
import { native } from "../platform/native.js";
import type { ScreenReply, ScreenRequest } from "./screen-protocol.js";

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

interface Screen {
  term: InstanceType<typeof Terminal>;
  serializer: InstanceType<typeof SerializeAddon>;
  /** The seq of the last output written (in write order; xterm applies writes in order). */
  seq: number;
}

const screens = new Map<string, Screen>();
const port = parentPort!;

// Emulation is for attach and snapshots: it must never take the CPU from the programs recorded or
// from the daemon's main thread. Behind under load, it is sent less (see screens.ts).
try {
  native().niceThread(19);
} catch {
  // not permitted here: run at normal priority
}

port.on("message", (m: ScreenRequest) => {
  const s = screens.get(m.id);
  switch (m.op) {
    case "open": {
      const term = new Terminal({ cols: m.cols, rows: m.rows, scrollback: m.scrollback, allowProposedApi: true });
      const serializer = new SerializeAddon();
      term.loadAddon(serializer);
      screens.set(m.id, { term, serializer, seq: m.seq });
      break;
    }
    case "feed": {
      if (!s) {
        port.postMessage({ ack: m.id, bytes: m.bytes.length } satisfies ScreenReply); // a replaced worker: nothing to draw on
        break;
      }
      if (m.reset) s.term.reset();
      const bytes = m.bytes.length;
      s.term.write(m.bytes, () => port.postMessage({ ack: m.id, bytes } satisfies ScreenReply));
      s.seq = m.seq;
      break;
    }
    case "resize":
      // Through the write queue, so it lands between the same outputs it came between.
      if (s) s.term.write("", () => s.term.resize(m.cols, m.rows));
      if (s) s.seq = m.seq;
      break;
    case "snapshot": {
      if (!s) return reply({ ref: m.ref, error: "no screen" });
      const seq = s.seq;
      // The callback runs once everything written before it is parsed, before anything after it.
      s.term.write("", () => reply({ ref: m.ref, seq, cols: s.term.cols, rows: s.term.rows, screen: s.serializer.serialize({ scrollback: m.scrollback }) }));
      break;
    }
    case "close":
      s?.term.dispose();
      screens.delete(m.id);
      break;
  }
});

function reply(r: ScreenReply): void {
  port.postMessage(r);
}
