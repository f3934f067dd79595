import { Command, Option } from "clipanion";
import { WardenCommand } from "../../base.js";

/** Without --full: at least this much of the end of the output (whole events, so a little more). */
const TAIL_BYTES = 64 * 1024;
const PAGE = 5000;

type Event = { seq: number; kind: string; data: Record<string, unknown> };

export class TasksOutputCommand extends WardenCommand {
  static override paths = [["tasks", "output"]];
  static override usage = Command.Usage({
    category: "Sessions",
    description: "Print a task's recorded output",
    details: `
      The output bytes the session recorded, as they were: a task's stdout to stdout and its stderr to stderr, a PTY session's terminal output to stdout (escape sequences included). Secrets were masked before they were recorded.

      By default only the end of it: the last 64 KiB or so (whole output events, so a little more); when stderr is a terminal, a note there after the output says that earlier output was left out. --full prints everything. A running task's output so far is printed; follow it live with \`warden events <id> --follow\`.

      With --json, one JSON document: {session, truncated, chunks: [{seq, stream, text or b64}]} (text when the bytes are valid UTF-8, else base64); truncated says that earlier output may have been left out.
    `,
    examples: [
      ["The end of a task's output", "warden tasks output 0193a7c2-…"],
      ["All of it, stderr dropped", "warden tasks output 0193a7c2-… --full 2>/dev/null"],
    ],
  });

  session = Option.String({ required: true });
  full = Option.Boolean("--full", false, { description: "Everything, not only the last 64 KiB" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the files directly" });

  async run(): Promise<number> {
    const { readThrough } = await import("../../read-through.js");
    const { readEvents } = await import("../../../projection/read.js");
    const { decodeBytes } = await import("../../../ledger/events.js");
    const read = (after: number, limit: number) => {
      const q = { session: this.session, after, limit };
      return readThrough("events.read", q, this.noDaemon, (db, home) => readEvents(db, q, home));
    };
    const size = (e: Event) => decodeBytes(e.data).length;

    /** Output events with seq > from, all pages; with a byte budget, only the newest that make it up. */
    const collect = async (from: number, budget: number | null) => {
      const kept: Array<{ e: Event; bytes: number }> = [];
      let total = 0;
      let dropped = false;
      let after = from;
      for (;;) {
        const page = await read(after, PAGE);
        for (const e of page.events) {
          after = e.seq;
          if (e.kind !== "output") continue;
          const bytes = size(e);
          kept.push({ e, bytes });
          total += bytes;
          while (budget !== null && kept.length > 1 && total - kept[0]!.bytes >= budget) {
            total -= kept.shift()!.bytes;
            dropped = true;
          }
        }
        if (page.events.length < PAGE) return { kept, total, dropped, lastSeq: page.lastSeq };
      }
    };

    let result;
    if (this.full) result = await collect(0, null);
    else {
      // The end first: read back from the last seq, further each time, until 64 KiB is in hand.
      const lastSeq = (await read(0, 1)).lastSeq;
      for (let back = 512; ; back *= 8) {
        const from = Math.max(0, lastSeq - back);
        result = await collect(from, TAIL_BYTES);
        if (from === 0 || result.total >= TAIL_BYTES) {
          result.dropped ||= from > 0;
          break;
        }
      }
    }

    const chunks = result.kept.map(({ e }) => ({
      seq: e.seq,
      stream: String(e.data.stream ?? "pty"),
      ...(e.data.b64 !== undefined ? { b64: String(e.data.b64) } : { text: String(e.data.text ?? "") }),
    }));
    if (this.json) {
      this.print("", { session: this.session, truncated: result.dropped, chunks });
      return 0;
    }
    let endsLine = true;
    for (const { e } of result.kept) {
      const bytes = decodeBytes(e.data);
      (e.data.stream === "stderr" ? this.context.stderr : this.context.stdout).write(bytes);
      if (bytes.length > 0) endsLine = bytes[bytes.length - 1] === 0x0a;
    }
    // After the output, where a person looks (before it, 64 KiB would scroll it away); on a terminal
    // only, so a script's captured stderr stays the task's stderr.
    const stderr = this.context.stderr as NodeJS.WriteStream;
    if (result.dropped && stderr.isTTY) {
      const { formatBytes } = await import("../../format.js");
      stderr.write(
        `${endsLine ? "" : "\n"}[warden: showed only the last ${formatBytes(result.total)} of the output; earlier output left out; --full prints all]\n`,
      );
    }
    return 0;
  }
}
