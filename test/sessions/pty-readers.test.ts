// The PTY reader thread: terminals are drained off the main thread, so a program printing at full
// speed does not wait for the daemon to mask and record what came before. Against real PTYs.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openLogger, type Logger } from "../../src/platform/log.js";
import type { ExitStatus } from "../../src/sessions/child.js";
import { PtyChild } from "../../src/sessions/pty-child.js";
import { PtyReaders } from "../../src/sessions/pty-readers.js";
import { pollUntil } from "../helpers/poll.js";

let dir: string;
let log: Logger;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "wd-ptyr-"));
  log = openLogger({ path: join(dir, "daemon.log"), level: "warn", maxBytes: 1 << 20, echo: null });
});
after(() => {
  log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** 512 KiB of numbered lines: eight times what the kernel buffers between a PTY's two ends. */
const LINES = 40_000;
const PRINT = `for my $i (1 .. ${LINES}) { printf("%012d\\n", $i) }`;
const expected = () => Array.from({ length: LINES }, (_, i) => `${String(i + 1).padStart(12, "0")}\r\n`).join("");

function run(readers: PtyReaders, script: string): { child: PtyChild; out: Buffer[]; exited: Promise<ExitStatus> } {
  const child = new PtyChild(
    { file: "perl", argv: ["perl", "-e", script], cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, cols: 80, rows: 24, umask: 0o077 },
    readers,
  );
  const out: Buffer[] = [];
  child.onOutput((_stream, chunk) => out.push(chunk));
  const exited = new Promise<ExitStatus>((r) => child.onExit(r));
  return { child, out, exited };
}

/** Blocks this thread (as masking and recording a burst do) until `done` or the deadline; whether `done` came. */
function busyUntil(done: () => boolean, ms = 20_000): boolean {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) if (done()) return true;
  return false;
}

describe("PTY reader thread", () => {
  it("drains a terminal while the main thread is busy: the program finishes, and every byte arrives in order", async () => {
    const readers = new PtyReaders(log);
    try {
      const { child, out, exited } = await started(readers, PRINT);
      // Read on this thread, the program would block on the full terminal until this returned.
      assert.ok(
        busyUntil(() => !existsSync(`/proc/${child.pid}`)),
        "the program finished printing while this thread was blocked",
      );
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.equal(Buffer.concat(out).toString(), expected());
    } finally {
      await readers.dispose();
    }
  });

  it("stops reading while paused (the program blocks) and delivers everything on resume", async () => {
    const readers = new PtyReaders(log);
    try {
      const { child, out, exited } = run(readers, PRINT);
      child.pause();
      let ended = false;
      void exited.then(() => (ended = true));
      // The program fills what the kernel buffers, then sleeps in write(2): wait for that, not for a guessed time.
      await pollUntil(() => ended || blockedInWrite(child.pid!), { what: "the program to block writing to its paused terminal" });
      assert.equal(ended, false, "a paused terminal is not drained: the program waits");
      assert.equal(out.length, 0, "nothing was read while paused");
      child.resume();
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.equal(Buffer.concat(out).toString(), expected());
    } finally {
      await readers.dispose();
    }
  });

  it("hangs up every terminal when the thread stops: nothing runs unrecorded, and the exit is still reported", async () => {
    const readers = new PtyReaders(log);
    const { exited } = await started(readers, `print "ready\\n"; sleep 60`);
    await readers.dispose();
    assert.deepEqual(await exited, { code: null, signal: "SIGHUP" });
  });
});

/** Runs `script` and waits for its first output (the reader thread is up and reading). */
async function started(readers: PtyReaders, script: string): Promise<ReturnType<typeof run>> {
  const r = run(readers, script);
  await pollUntil(() => r.out.length > 0, { what: "the program's first output", everyMs: 10 });
  return r;
}

/** write(2)'s syscall number, per architecture (what /proc/<pid>/syscall names first while a process sleeps in it). */
const WRITE_SYSCALL: Partial<Record<string, number>> = { x64: 1, arm64: 64 };

/** Whether `pid` is asleep inside write(2) (a terminal nobody reads is full). */
function blockedInWrite(pid: number): boolean {
  const nr = WRITE_SYSCALL[process.arch];
  if (nr === undefined) throw new Error(`write(2)'s syscall number is not known for ${process.arch}`);
  const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[0];
  return state === "S" && readFileSync(`/proc/${pid}/syscall`, "utf8").split(" ")[0] === String(nr);
}
