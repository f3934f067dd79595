// Entry point. Commands on an agent's hot path run without loading clipanion (which alone costs
// about a quarter of Node's start-up) when their argv is in its plain form; anything else — help,
// other flags, other commands — goes through the clipanion CLI in main.ts, which defines them all.
import { reportError, type Io } from "./report.js";

type FastCommand = { flags: ReadonlySet<string>; run(io: Io): Promise<number> };

const fastPath: Record<string, FastCommand> = {
  ping: { flags: new Set(["--json"]), run: async (io) => (await import("./actions/ping.js")).ping(io) },
};

const argv = process.argv.slice(2);
const fast = argv.length > 0 ? fastPath[argv[0]!] : undefined;
if (fast && argv.slice(1).every((a) => fast.flags.has(a))) {
  const io: Io = { stdout: process.stdout, stderr: process.stderr, json: argv.includes("--json") };
  process.exitCode = await fast.run(io).catch((err: unknown) => reportError(io, err));
} else {
  await import("./main.js");
}
