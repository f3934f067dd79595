// Entry point. Commands on an agent's hot path (ping, get) run without loading clipanion (which
// alone costs about a quarter of Node's start-up) when their argv is in a plain form this file
// understands; anything else — help, unknown flags, other commands — goes through the clipanion
// CLI in main.ts, which defines every command and its help.
import { reportError, type Io } from "./report.js";
import "../platform/umask.js"; // umask 077: whatever a command creates (vaults, backups, audit records) is private

interface Parsed {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

interface FastCommand {
  positionals: number;
  /** Options that take a value (`--vault V` or `--vault=V`). */
  options: ReadonlySet<string>;
  flags: ReadonlySet<string>;
  run(io: Io, args: Parsed): Promise<number>;
}

const fastPath: Record<string, FastCommand> = {
  ping: { positionals: 0, options: new Set(), flags: new Set(["--json"]), run: async (io) => (await import("./actions/ping.js")).ping(io) },
  get: {
    positionals: 1,
    options: new Set(["--vault", "--scope", "--reason", "--caller"]),
    flags: new Set(["--json", "--no-daemon"]),
    run: async (io, a) =>
      (await import("./actions/get.js")).get(
        {
          name: a.positionals[0]!,
          vault: a.options.get("--vault"),
          scope: a.options.get("--scope"),
          reason: a.options.get("--reason") ?? "",
          caller: a.options.get("--caller"),
        },
        a.flags.has("--no-daemon"),
        io,
      ),
  },
};

/** Parses argv for a fast command, or returns null to hand it to clipanion. */
function parse(cmd: FastCommand, argv: string[]): Parsed | null {
  const out: Parsed = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (cmd.flags.has(name) && eq < 0) out.flags.add(name);
    else if (cmd.options.has(name) && !out.options.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      // Missing, empty, or another option where a value belongs: clipanion says what is wrong.
      if (value === undefined || value === "" || (eq < 0 && value.startsWith("-"))) return null;
      out.options.set(name, value);
    } else return null; // -h, --help, repeated or unknown options: clipanion explains
  }
  return out.positionals.length === cmd.positionals ? out : null;
}

const argv = process.argv.slice(2);

// `warden sessions list | head -1`: once the reader has gone, nothing left to print matters. Exit
// at once, without a stack trace, with the status a process killed by SIGPIPE has (128 + 13, as
// git and coreutils do), so `set -o pipefail` scripts still see that the output was cut short.
// A daemon in the foreground is no pipeline stage: it keeps running (its log is daemon.log; the
// terminal only saw an echo).
const EXIT_BROKEN_PIPE = 141;
const foregroundDaemon = argv[0] === "daemon" && argv[1] === "run";
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    if (!foregroundDaemon) process.exit(EXIT_BROKEN_PIPE);
  });
}
const fast = argv.length > 0 ? fastPath[argv[0]!] : undefined;
const parsed = fast ? parse(fast, argv.slice(1)) : null;
if (fast && parsed) {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, json: parsed.flags.has("--json") };
  process.exitCode = await fast.run(io, parsed).catch((err: unknown) => reportError(io, err));
} else {
  await import("./main.js");
}
